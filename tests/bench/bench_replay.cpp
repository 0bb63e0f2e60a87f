// Placeholder while this benchmark is written.
int main() { return 0; }
