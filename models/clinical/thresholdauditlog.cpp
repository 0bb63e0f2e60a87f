#include "clinical/thresholdauditlog.h"

#include "clinical/alert.h"
#include "clinical/thresholdset.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

ThresholdAuditLog::ThresholdAuditLog(QString path) : m_path(std::move(path)) {}

QString ThresholdAuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/threshold-audit.jsonl");
}

void ThresholdAuditLog::append(const QString &who, const QString &reason, const ThresholdSet &before,
                               const ThresholdSet &after, qint64 atMs) const
{
    const nlohmann::json entry = {
        {"at", msToFhirInstant(atMs)},
        {"who", who.toStdString()},
        {"reason", reason.toStdString()},
        {"before", nlohmann::json::parse(before.toJson())},
        {"after", nlohmann::json::parse(after.toJson())},
    };
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        throw std::runtime_error("audit log " + m_path.toStdString() + ": " + file.errorString().toStdString());
    const QByteArray line = QByteArray::fromStdString(entry.dump()) + '\n';
    if (file.write(line) != line.size() || !file.flush())
        throw std::runtime_error("audit log " + m_path.toStdString() + ": " + file.errorString().toStdString());
}
