#include "wall/displaytokens.h"

#include "wall/wallprotocol.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

namespace {

QString digestOf(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace

DisplayTokens::DisplayTokens(QString path) : m_path(std::move(path))
{
    QFile file(m_path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly))
        throw DisplayTokenError(QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString()));
    const nlohmann::json json = nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
    if (!json.is_object() || !json.contains("displays") || !json["displays"].is_array())
        throw DisplayTokenError(QStringLiteral("%1 is not a list of wall displays").arg(m_path));
    for (const auto &entry : json["displays"]) {
        if (!entry.is_object() || !entry.contains("name") || !entry.contains("sha256"))
            throw DisplayTokenError(QStringLiteral("%1: a display without a name or token hash").arg(m_path));
        m_tokens.append({QString::fromStdString(entry["name"].get<std::string>()),
                         QString::fromStdString(entry["sha256"].get<std::string>()), entry.value("created_ms", qint64(0)),
                         entry.value("revoked_ms", qint64(0))});
    }
}

QString DisplayTokens::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/Vigil/wall-displays.json");
}

QString DisplayTokens::add(const QString &name, qint64 nowMs)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 64)
        throw DisplayTokenError(QStringLiteral("a display's name is 1 to 64 characters"));
    for (const auto &token : std::as_const(m_tokens)) {
        if (token.name.compare(trimmed, Qt::CaseInsensitive) == 0)
            throw DisplayTokenError(QStringLiteral("there is already a display named \"%1\"").arg(token.name));
    }
    QByteArray random(32, Qt::Uninitialized); // 256 bits
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
    const QString token = QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    m_tokens.append({trimmed, digestOf(token), nowMs, 0});
    try {
        save();
    } catch (...) {
        m_tokens.removeLast();
        throw;
    }
    return token;
}

void DisplayTokens::revoke(const QString &name, qint64 nowMs)
{
    for (auto &token : m_tokens) {
        if (token.name == name && !token.revoked()) {
            token.revokedAtMs = nowMs;
            try {
                save();
            } catch (...) {
                token.revokedAtMs = 0;
                throw;
            }
            return;
        }
    }
    throw DisplayTokenError(QStringLiteral("no display named \"%1\" may connect").arg(name));
}

QString DisplayTokens::displayFor(const QString &offered) const
{
    if (offered.isEmpty())
        return {};
    const std::string digest = digestOf(offered).toStdString();
    QString found;
    for (const auto &token : m_tokens) { // every one compared: the time says nothing about which matched
        if (WallProtocol::tokensMatch(token.sha256.toStdString(), digest) && !token.revoked())
            found = token.name;
    }
    return found;
}

void DisplayTokens::save() const
{
    nlohmann::json displays = nlohmann::json::array();
    for (const auto &token : m_tokens)
        displays.push_back({{"name", token.name.toStdString()},
                            {"sha256", token.sha256.toStdString()},
                            {"created_ms", token.createdAtMs},
                            {"revoked_ms", token.revokedAtMs}});
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    const QByteArray text = QByteArray::fromStdString(nlohmann::json{{"displays", displays}}.dump(2)) + '\n';
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        throw DisplayTokenError(QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
}
