#include "audit/audittrail.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QSysInfo>
#include <QUuid>

#include <stdexcept>

#include <unistd.h>

namespace {

std::runtime_error failure(const QString &path, const QString &why)
{
    return std::runtime_error(QStringLiteral("audit trail %1: %2").arg(path, why).toStdString());
}

QString osUser()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? qEnvironmentVariable("LOGNAME", QStringLiteral("unknown")) : user;
}

std::string isoTime(qint64 atMs)
{
    return QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs).toStdString();
}

// The file's last line, or empty when it has none. Throws when it is not a whole entry: a torn or
// altered end is for a person to look at (vigil audit --verify), not to chain on.
nlohmann::json lastEntry(const QString &path)
{
    QFile file(path);
    if (!file.exists() || file.size() == 0)
        return {};
    if (!file.open(QIODevice::ReadOnly))
        throw failure(path, file.errorString());
    constexpr qint64 Tail = 4 * 1024 * 1024; // an entry is a few KB; a threshold change's sets the most
    file.seek(qMax<qint64>(0, file.size() - Tail));
    const QByteArray tail = file.readAll();
    if (!tail.endsWith('\n'))
        throw failure(path, QStringLiteral("its last line is not complete (written when the console stopped?); "
                                           "check it with vigil audit --verify before anything more is audited"));
    const qsizetype start = tail.lastIndexOf('\n', tail.size() - 2) + 1;
    const nlohmann::json entry = nlohmann::json::parse(tail.mid(start).constData(), nullptr, false);
    if (!entry.is_object() || !entry.contains("seq") || !entry.contains("hash"))
        throw failure(path, QStringLiteral("its last line is not an audit entry; check it with vigil audit --verify"));
    return entry;
}

} // namespace

AuditTrail::AuditTrail(QString path, QString instance) : m_path(std::move(path)), m_instance(std::move(instance)) {}

QString AuditTrail::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/audit.jsonl");
}

QString AuditTrail::defaultInstance()
{
    return QStringLiteral("console-%1").arg(QCoreApplication::applicationPid());
}

QString AuditTrail::chainName()
{
    return osUser() + u'@' + QSysInfo::machineHostName();
}

std::string AuditTrail::hashOf(const nlohmann::json &entry)
{
    nlohmann::json content = entry;
    content.erase("hash");
    const std::string text = content.dump(); // an object's keys are sorted: one text for one content
    return QCryptographicHash::hash(QByteArray::fromStdString(text), QCryptographicHash::Sha256).toHex().toStdString();
}

nlohmann::json AuditTrail::append(const AuditAction &action, qint64 atMs) const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(10'000);
    if (!lock.tryLock(5000))
        throw failure(m_path, QStringLiteral("another console holds its lock"));
    const nlohmann::json last = lastEntry(m_path);
    nlohmann::json entry = {
        {"chain", last.empty() ? (chainName() + u'/' + QUuid::createUuid().toString(QUuid::Id128).left(8)).toStdString()
                               : last["chain"].get<std::string>()},
        {"seq", last.empty() ? 1 : last["seq"].get<qint64>() + 1},
        {"prev", last.empty() ? std::string() : last["hash"].get<std::string>()},
        {"at", isoTime(atMs)},
        {"who", {{"os_user", osUser().toStdString()}, {"name", action.typedName.toStdString()}}},
        {"where", {{"host", QSysInfo::machineHostName().toStdString()}, {"instance", m_instance.toStdString()}}},
        {"action", action.action.toStdString()},
        {"what", action.what.is_null() ? nlohmann::json::object() : action.what},
        {"why", action.why.toStdString()},
    };
    entry["hash"] = hashOf(entry);
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        throw failure(m_path, file.errorString());
    const QByteArray line = QByteArray::fromStdString(entry.dump()) + '\n';
    if (file.write(line) != line.size() || !file.flush() || ::fsync(file.handle()) != 0)
        throw failure(m_path, file.errorString());
    return entry;
}

void AuditVerifier::add(const QByteArray &text, const QString &where)
{
    if (!m_firstBroken.isEmpty())
        return;
    const auto broken = [&](const QString &why) { m_firstBroken = where + QStringLiteral(": ") + why; };
    const nlohmann::json entry = nlohmann::json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
    if (!entry.is_object() || !entry.contains("chain") || !entry["chain"].is_string() || !entry.contains("seq")
        || !entry["seq"].is_number_integer() || !entry.contains("prev") || !entry["prev"].is_string()
        || !entry.contains("hash") || !entry["hash"].is_string()) {
        broken(QStringLiteral("not an audit entry"));
        return;
    }
    const std::string chain = entry["chain"].get<std::string>();
    const qint64 seq = entry["seq"].get<qint64>();
    const std::string hash = entry["hash"].get<std::string>();
    if (AuditTrail::hashOf(entry) != hash) {
        broken(QStringLiteral("entry %1 of %2 was altered: its hash does not match what it says").arg(seq).arg(QString::fromStdString(chain)));
        return;
    }
    const auto found = m_last.find(chain);
    const Last previous = found == m_last.end() ? Last{} : found->second;
    if (found != m_last.end() && seq == previous.seq && hash == previous.hash) {
        ++m_duplicates; // sent twice: the same entry
        return;
    }
    if (seq != previous.seq + 1) {
        broken(QStringLiteral("entry %1 of %2 follows entry %3: %4").arg(seq).arg(QString::fromStdString(chain)).arg(previous.seq)
                   .arg(seq > previous.seq + 1 ? QStringLiteral("entries are missing") : QStringLiteral("entries are out of order")));
        return;
    }
    if (entry["prev"].get<std::string>() != previous.hash) {
        broken(QStringLiteral("entry %1 of %2 does not carry the hash of the entry before it: that one was replaced")
                   .arg(seq).arg(QString::fromStdString(chain)));
        return;
    }
    m_last[chain] = {seq, hash};
    ++m_entries;
}
