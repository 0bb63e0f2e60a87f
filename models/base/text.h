#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <string>
#include <string_view>

// The domain speaks UTF-8 std::string; Qt speaks QString and QByteArray. Every crossing goes
// through these, so no file writes its own data()/size() pair.
namespace Text {

inline QString toQString(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

inline std::string toStdString(const QByteArray &bytes)
{
    return std::string(bytes.constData(), std::size_t(bytes.size()));
}

inline std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

inline QByteArray toBytes(std::string_view bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

inline QByteArrayView bytesView(std::string_view bytes)
{
    return QByteArrayView(bytes.data(), qsizetype(bytes.size()));
}

} // namespace Text
