#pragma once

#include <QList>
#include <QPair>
#include <QString>

// Java-style properties, as the Kafka tools and kcat -F read them: key=value or key: value, '#' and
// '!' comments, a trailing '\' continues the line. In the file's order. Throws std::runtime_error
// ("path: why", "path:line: expected key=value").
QList<QPair<QString, QString>> readPropertiesFile(const QString &path);
