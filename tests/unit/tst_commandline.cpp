#include "commandline.h"

#include <QtTest>

namespace {
CommandLine parse(QStringList arguments)
{
    arguments.prepend(QStringLiteral("vigil"));
    return CommandLine::parse(arguments);
}
} // namespace

class TestCommandLine final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void noClusterOptionsMeansEmbeddedWithTheSimulator()
    {
        const auto line = parse({});
        QCOMPARE(line.mode, CommandLine::Mode::Console);
        QVERIFY(line.embedded);
        QVERIFY(line.simulate);
        QCOMPARE(line.brokers, 3);
        QCOMPARE(line.eventsPerMinute, 5000.0);
    }

    void bootstrapConnectsToARealClusterWithoutSimulating()
    {
        const auto line = parse({"--bootstrap", "kafka1:9092", "-X", "security.protocol=SSL"});
        QVERIFY(!line.embedded);
        QVERIFY(!line.simulate);
        QCOMPARE(line.config.bootstrapServers(), QStringLiteral("kafka1:9092"));
        QCOMPARE(line.config.value(QStringLiteral("security.protocol")), QStringLiteral("SSL"));
    }

    void bootstrapMayComeFromMinusX()
    {
        const auto line = parse({"-X", "bootstrap.servers=k:1"});
        QVERIFY(!line.embedded);
    }

    void brokerMode()
    {
        const auto line = parse({"broker", "--simulate", "--rate", "12000", "--seed", "7"});
        QCOMPARE(line.mode, CommandLine::Mode::Broker);
        QVERIFY(line.simulate);
        QCOMPARE(line.eventsPerMinute, 12000.0);
        QCOMPARE(line.seed, 7u);
        QVERIFY(!parse({"broker"}).simulate);
    }

    void mistakesAreExplained()
    {
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"brokr"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--rate", "fast"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--seed", "-1"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--nonsense"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"broker", "--bootstrap", "k:1"}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse({"-X", "not.a.property=1"}));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parse({"-X", "novalue"}));
    }

    void listProperties()
    {
        QCOMPARE(parse({"-X", "list"}).mode, CommandLine::Mode::ListProperties);
    }
};

QTEST_APPLESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
