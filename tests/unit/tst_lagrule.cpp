#include "cluster/lagrule.h"

#include <QtTest>

// The seed's lag rule fires after the duration and clears; the cluster rules likewise.
class TestLagRule final : public QObject {
    Q_OBJECT
private slots:
    void firesAfterFiveMinutesAndClears()
    {
        LagRule rule;
        const QString group = QStringLiteral("clinical-evaluator");
        QVERIFY(rule.observe(group, 40'000, 0).isEmpty());
        QVERIFY(rule.observe(group, 40'000, 299'000).isEmpty());
        auto fired = rule.observe(group, 40'000, 300'000);
        QCOMPARE(fired.size(), 1);
        QVERIFY(fired.first().firing);
        QVERIFY(rule.firing(group));
        QVERIFY(rule.observe(group, 50'000, 400'000).isEmpty()); // already firing
        auto cleared = rule.observe(group, 100, 500'000);
        QCOMPARE(cleared.size(), 1);
        QVERIFY(!cleared.first().firing);
        QVERIFY(!rule.firing(group));
    }
    void dipResetsTheClock()
    {
        LagRule rule;
        const QString group = QStringLiteral("clinical-a");
        rule.observe(group, 40'000, 0);
        rule.observe(group, 10, 200'000);
        QVERIFY(rule.observe(group, 40'000, 300'000).isEmpty());
        QVERIFY(rule.observe(group, 40'000, 599'000).isEmpty());
        QCOMPARE(rule.observe(group, 40'000, 600'000).size(), 1);
    }
    void onlyMatchingGroupsAndConfigurable()
    {
        LagRule rule;
        QVERIFY(!rule.applies(QStringLiteral("billing")));
        QVERIFY(rule.observe(QStringLiteral("billing"), 1'000'000, 0).isEmpty());
        QVERIFY(rule.observe(QStringLiteral("billing"), 1'000'000, 1'000'000).isEmpty());
        LagRule::Settings settings;
        settings.groupPattern = QStringLiteral("billing|clinical-.*");
        settings.threshold = 10;
        settings.durationMs = 0;
        rule.setSettings(settings);
        QCOMPARE(rule.observe(QStringLiteral("billing"), 11, 0).size(), 1);
        QCOMPARE(rule.firingGroups(), QStringList{QStringLiteral("billing")});
    }
    void underReplicatedFiresAndClears()
    {
        ClusterRules rules;
        QCOMPARE(rules.observeUnderReplicated(3, 0).size(), 1);
        QVERIFY(rules.observeUnderReplicated(3, 1000).isEmpty());
        const auto cleared = rules.observeUnderReplicated(0, 2000);
        QCOMPARE(cleared.size(), 1);
        QVERIFY(!cleared.first().firing);
    }
    void produceErrorRateForThreeMinutes()
    {
        ClusterRules rules;
        const QString client = QStringLiteral("vigil-producer");
        QVERIFY(rules.observeClientErrors(client, 0, 0).isEmpty());
        qint64 errors = 0;
        int fired = 0;
        for (qint64 t = 10'000; t <= 200'000; t += 10'000) {
            errors += 1; // 0.1/s
            for (const auto &a : rules.observeClientErrors(client, errors, t))
                fired += a.firing ? 1 : 0;
            if (t < 190'000)
                QCOMPARE(fired, 0);
        }
        QCOMPARE(fired, 1);
        const auto cleared = rules.observeClientErrors(client, errors, 210'000);
        QCOMPARE(cleared.size(), 1);
        QVERIFY(!cleared.first().firing);
    }
};

QTEST_GUILESS_MAIN(TestLagRule)
#include "tst_lagrule.moc"
