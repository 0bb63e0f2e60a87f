#include "evaluatorinstances.h"

#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSysInfo>

#include <stdexcept>

namespace {
// Group instance ids and transactional ids take any string; file names and log lines read better plain.
QString plain(QString name)
{
    static const QRegularExpression other(QStringLiteral("[^A-Za-z0-9._-]"));
    return name.replace(other, QStringLiteral("_"));
}
} // namespace

QString EvaluatorInstances::defaultLockDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/instances");
}

EvaluatorInstances::EvaluatorInstances(const QString &name, int count, const QString &lockDir)
{
    if (count < 1)
        throw std::runtime_error("an evaluator needs at least one instance");
    if (!QDir().mkpath(lockDir))
        throw std::runtime_error("cannot create " + lockDir.toStdString() + " for the evaluator instances' lock files");
    if (!name.isEmpty()) {
        for (int i = 0; i < count; ++i) {
            const QString wanted = count == 1 ? name : QStringLiteral("%1-%2").arg(name).arg(i);
            if (!claim(wanted, lockDir))
                throw std::runtime_error("evaluator instance " + wanted.toStdString()
                                         + " is running already on this machine (pid in "
                                         + (lockDir + u'/' + plain(wanted) + QStringLiteral(".lock")).toStdString() + ")");
        }
        return;
    }
    const QString host = plain(QSysInfo::machineHostName().isEmpty() ? QStringLiteral("vigil") : QSysInfo::machineHostName());
    constexpr int MaxIndex = 1000; // far past any machine's evaluators: a lock directory that refuses every lock
    for (int index = 0; m_names.size() < count; ++index) {
        if (index == MaxIndex)
            throw std::runtime_error("no evaluator instance name free in " + lockDir.toStdString());
        claim(QStringLiteral("%1-%2").arg(host).arg(index), lockDir);
    }
}

bool EvaluatorInstances::claim(const QString &name, const QString &lockDir)
{
    auto lock = std::make_unique<QLockFile>(lockDir + u'/' + plain(name) + QStringLiteral(".lock"));
    lock->setStaleLockTime(0); // stale only when its process is gone, however long it has run
    if (!lock->tryLock(0))
        return false;
    m_locks.push_back(std::move(lock));
    m_names.append(name);
    return true;
}
