#include "fhir/fhirdatetime.h"

#include <chrono>
#include <cstdio>

namespace {

class DateTimeReader {
public:
    explicit DateTimeReader(std::string_view text) : m_text(text) {}

    bool atEnd() const { return m_at == m_text.size(); }

    bool take(char expected)
    {
        if (atEnd() || m_text[m_at] != expected)
            return false;
        ++m_at;
        return true;
    }

    bool number(int width, int &value)
    {
        if (m_text.size() - m_at < static_cast<std::size_t>(width))
            return false;
        value = 0;
        for (int i = 0; i < width; ++i) {
            const char c = m_text[m_at++];
            if (c < '0' || c > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    // Fraction of a second after '.', as milliseconds; digits past the third are dropped.
    bool milliseconds(int &value)
    {
        value = 0;
        int digits = 0;
        while (!atEnd() && m_text[m_at] >= '0' && m_text[m_at] <= '9') {
            if (digits < 3)
                value = value * 10 + (m_text[m_at] - '0');
            ++digits;
            ++m_at;
        }
        for (int i = digits; i < 3; ++i)
            value *= 10;
        return digits > 0;
    }

    char peek() const { return atEnd() ? '\0' : m_text[m_at]; }

private:
    std::string_view m_text;
    std::size_t m_at = 0;
};

std::optional<std::int64_t> daysSinceEpoch(int year, int month, int day)
{
    using namespace std::chrono;
    const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                              std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok())
        return std::nullopt;
    return sys_days(date).time_since_epoch().count();
}

// The zone after a time: 'Z', "+hh:mm", "-hh:mm", or nothing (read as UTC). Offset in minutes.
std::optional<int> zoneOffsetMinutes(DateTimeReader &reader)
{
    if (reader.atEnd() || reader.take('Z'))
        return 0;
    const char sign = reader.peek();
    if (!reader.take('+') && !reader.take('-'))
        return std::nullopt;
    int hours = 0;
    int minutes = 0;
    if (!reader.number(2, hours) || !reader.take(':') || !reader.number(2, minutes) || hours > 14 || minutes > 59)
        return std::nullopt;
    const int offset = hours * 60 + minutes;
    return sign == '-' ? -offset : offset;
}

// "hh:mm:ss(.fff)(zone)" after the 'T', as milliseconds into the (UTC) day; may be negative or
// past one day when the zone moves it.
std::optional<std::int64_t> timeOfDayMs(DateTimeReader &reader)
{
    int hour = 0;
    int minute = 0;
    int second = 0;
    int millis = 0;
    if (!reader.number(2, hour) || !reader.take(':') || !reader.number(2, minute) || !reader.take(':')
        || !reader.number(2, second) || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    if (reader.take('.') && !reader.milliseconds(millis))
        return std::nullopt;
    const auto zone = zoneOffsetMinutes(reader);
    if (!zone || !reader.atEnd())
        return std::nullopt;
    second = std::min(second, 59); // a leap second is read as the second before it
    return ((hour * 60LL + minute - *zone) * 60 + second) * 1000 + millis;
}

// ---- alert ids -----------------------------------------------------------------------------------

} // namespace

std::optional<std::int64_t> fhirDateTimeToMs(std::string_view text)
{
    DateTimeReader reader(text);
    int year = 0;
    int month = 1;
    int day = 1;
    if (!reader.number(4, year))
        return std::nullopt;
    if (!reader.atEnd() && (!reader.take('-') || !reader.number(2, month)))
        return std::nullopt;
    if (!reader.atEnd() && (!reader.take('-') || !reader.number(2, day)))
        return std::nullopt;
    const auto days = daysSinceEpoch(year, month, day);
    if (!days)
        return std::nullopt;
    constexpr std::int64_t msPerDay = 86'400'000;
    if (reader.atEnd())
        return *days * msPerDay;
    if (!reader.take('T'))
        return std::nullopt;
    const auto timeMs = timeOfDayMs(reader);
    if (!timeMs)
        return std::nullopt;
    return *days * msPerDay + *timeMs;
}

namespace {

// Writes value as exactly `width` decimal digits at out: the simulator writes millions of these,
// so no printf.
void putDigits(char *out, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = char('0' + value % 10);
}

// "YYYY-MM-DD" at out (10 characters); the year must be 0..9999.
void putDate(char *out, const std::chrono::year_month_day &date)
{
    putDigits(out, unsigned(int(date.year())), 4);
    out[4] = '-';
    putDigits(out + 5, unsigned(date.month()), 2);
    out[7] = '-';
    putDigits(out + 8, unsigned(date.day()), 2);
}

bool writableYear(const std::chrono::year_month_day &date)
{
    return int(date.year()) >= 0 && int(date.year()) <= 9999;
}

} // namespace

std::string msToFhirInstant(std::int64_t ms)
{
    using namespace std::chrono;
    const sys_time<milliseconds> instant{milliseconds(ms)};
    const auto day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss time{instant - day};
    if (!writableYear(date)) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(date.year()),
                      unsigned(date.month()), unsigned(date.day()), int(time.hours().count()),
                      int(time.minutes().count()), int(time.seconds().count()), int(time.subseconds().count()));
        return buffer;
    }
    std::string text(24, 'T');
    putDate(text.data(), date);
    char *out = text.data() + 11;
    putDigits(out, unsigned(time.hours().count()), 2);
    out[2] = ':';
    putDigits(out + 3, unsigned(time.minutes().count()), 2);
    out[5] = ':';
    putDigits(out + 6, unsigned(time.seconds().count()), 2);
    out[8] = '.';
    putDigits(out + 9, unsigned(time.subseconds().count()), 3);
    out[12] = 'Z';
    return text;
}

std::string msToFhirDate(std::int64_t ms)
{
    using namespace std::chrono;
    const year_month_day date{floor<days>(sys_time<milliseconds>{milliseconds(ms)})};
    if (!writableYear(date)) {
        char buffer[24];
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(date.year()), unsigned(date.month()), unsigned(date.day()));
        return buffer;
    }
    std::string text(10, '-');
    putDate(text.data(), date);
    return text;
}
