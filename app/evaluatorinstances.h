#pragma once

#include <QLockFile>
#include <QStringList>

#include <memory>
#include <vector>

// The names of this machine's evaluator instances. An instance's transactional id and its static
// group membership (group.instance.id) come from its name, so a name must stay the same across
// restarts and be unique in the group. Without --instance a process claims the lowest free indexes
// on this host ("<host>-0", "<host>-1", ...), one lock file each: a console and a `vigil evaluate`
// on one machine never take the same name, and a process restarted after a crash takes its old name
// again (a lock whose process is gone is free). The names are held until this object is destroyed.
class EvaluatorInstances {
public:
    static QString defaultLockDir(); // <data dir>/instances

    // `count` names: with `name`, that name (count 1) or name-0 .. name-(count-1); else the host's
    // lowest free indexes. Throws std::runtime_error when a name is held by another live process.
    EvaluatorInstances(const QString &name, int count, const QString &lockDir = defaultLockDir());

    const QStringList &names() const { return m_names; }

private:
    bool claim(const QString &name, const QString &lockDir);

    std::vector<std::unique_ptr<QLockFile>> m_locks;
    QStringList m_names;
};
