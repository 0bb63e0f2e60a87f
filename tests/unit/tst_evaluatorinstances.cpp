#include "evaluatorinstances.h"

#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest>

class TestEvaluatorInstances final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void processesOnOneMachineTakeTheLowestFreeIndexes()
    {
        QTemporaryDir locks;
        const QString host = QSysInfo::machineHostName();
        EvaluatorInstances console({}, 1, locks.path());
        QCOMPARE(console.names(), QStringList{host + "-0"});
        {
            EvaluatorInstances service({}, 2, locks.path());
            QCOMPARE(service.names(), (QStringList{host + "-1", host + "-2"}));
        }
        // The service stopped: a restarted one takes the same names again.
        EvaluatorInstances restarted({}, 2, locks.path());
        QCOMPARE(restarted.names(), (QStringList{host + "-1", host + "-2"}));
    }

    void aGivenNameIsOneProcessesOnly()
    {
        QTemporaryDir locks;
        EvaluatorInstances first("icu-eval", 1, locks.path());
        QCOMPARE(first.names(), QStringList{"icu-eval"});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, EvaluatorInstances("icu-eval", 1, locks.path()));
        EvaluatorInstances threads("lab", 3, locks.path());
        QCOMPARE(threads.names(), (QStringList{"lab-0", "lab-1", "lab-2"}));
    }

    void aCrashedProcessLeavesItsNameFree()
    {
        QTemporaryDir locks;
        // A lock file as QLockFile writes it, of a process that no longer runs.
        QFile stale(locks.filePath("ward-eval.lock"));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("2147483646\ntst_evaluatorinstances\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        stale.close();
        EvaluatorInstances restarted("ward-eval", 1, locks.path());
        QCOMPARE(restarted.names(), QStringList{"ward-eval"});
    }
};

QTEST_GUILESS_MAIN(TestEvaluatorInstances)
#include "tst_evaluatorinstances.moc"
