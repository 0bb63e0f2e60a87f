#include "commandline.h"

#include "base/secretmask.h"

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
    void noClusterOptionsMeansTheLocalKafkaWithTheSimulator()
    {
        const auto line = parse({});
        QCOMPARE(line.mode, CommandLine::Mode::Console);
        QCOMPARE(line.cluster, CommandLine::Cluster::Local);
        QVERIFY(line.simulate);
        QVERIFY(line.evaluate);
        QCOMPARE(line.brokerCount(), 1);
        QVERIFY(line.dataDir.isEmpty());
        QCOMPARE(line.eventsPerMinute, 5000.0);
        // A persistent cluster: no --seed means a new hospital each start, never the same ids twice.
        QVERIFY(line.simulatorSettings(line.config).seed != 1);
        QCOMPARE(parse({"--seed", "1"}).simulatorSettings(line.config).seed, 1u);
    }

    void theMockIsChosenByName()
    {
        const auto line = parse({"--embedded", "mock"});
        QCOMPARE(line.cluster, CommandLine::Cluster::Mock);
        QCOMPARE(line.brokerCount(), 3);
        QCOMPARE(line.simulatorSettings(line.config).seed, 1u);
        QCOMPARE(parse({"--embedded", "kafka", "--brokers", "3"}).cluster, CommandLine::Cluster::Local);
        QCOMPARE(parse({"--brokers", "3"}).brokerCount(), 3);
        QCOMPARE(parse({"broker", "--data-dir", "/tmp/k"}).dataDir, QStringLiteral("/tmp/k"));
        QVERIFY(parse({"broker", "--reset"}).reset);
    }

    void clusterOptionsThatContradictAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--embedded", "zookeeper"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--embedded", "mock", "--bootstrap", "k:1"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--embedded", "mock", "--data-dir", "/tmp/k"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--bootstrap", "k:1", "--brokers", "3"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--reset"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"broker", "--reset", "--embedded", "mock"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--brokers", "10"}));
    }

    void bootstrapConnectsToARealClusterWithoutSimulating()
    {
        const auto line = parse({"--bootstrap", "kafka1:9092", "-X", "security.protocol=SSL"});
        QCOMPARE(line.cluster, CommandLine::Cluster::Remote);
        QVERIFY(!line.simulate);
        QCOMPARE(line.config.bootstrapServers(), QStringLiteral("kafka1:9092"));
        QCOMPARE(line.config.value(QStringLiteral("security.protocol")), QStringLiteral("SSL"));
    }

    void bootstrapMayComeFromMinusX()
    {
        const auto line = parse({"-X", "bootstrap.servers=k:1"});
        QCOMPARE(line.cluster, CommandLine::Cluster::Remote);
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

    void evaluatorInstancesAreNamedAndCounted()
    {
        const auto line = parse({"evaluate", "--bootstrap", "k:1", "--instance", "ward-eval", "--threads", "3"});
        QCOMPARE(line.instance, QStringLiteral("ward-eval"));
        QCOMPARE(line.threads, 3);
        QCOMPARE(line.evaluatorSettings(line.config, "ward-eval-2").transactionalId(), QStringLiteral("vigil-evaluator-ward-eval-2"));
        QCOMPARE(parse({"evaluate", "--bootstrap", "k:1"}).threads, 1);
        QVERIFY(parse({"evaluate", "--bootstrap", "k:1"}).instance.isEmpty()); // the host's next free index
        QCOMPARE(parse({"broker", "--evaluate", "--threads", "2"}).threads, 2);
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"broker", "--threads", "2"}));      // no evaluator to size
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--threads", "2"}));                // the console runs one
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"evaluate", "-b", "k:1", "--threads", "0"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"evaluate", "-b", "k:1", "--instance", " "}));
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

    void wallReadsKafkaOrAConsolesFeed()
    {
        const auto kafka = parse({"--wall", "--unit", "4 West", "--bootstrap", "k:1", "--escalate", "10,20",
                                  "--escalate", "ICU=5,12.5", "--mrn-digits", "3", "--stale-after", "15"});
        QCOMPARE(kafka.mode, CommandLine::Mode::Wall);
        QCOMPARE(kafka.wall.unit, std::string("4 West"));
        QVERIFY(kafka.wall.kiosk);
        QVERIFY(!kafka.wall.feed.isValid());
        QCOMPARE(kafka.wall.defaultPolicy, (EscalationPolicy{10 * 60'000, 20 * 60'000}));
        QCOMPARE(kafka.wall.unitPolicies.at("ICU"), (EscalationPolicy{5 * 60'000, 750'000}));
        QCOMPARE(kafka.wall.options.labels.mrnDigits, 3);
        QCOMPARE(kafka.wall.options.staleAfterMs, 15'000);
        QVERIFY(!kafka.simulate && !kafka.evaluate);

        const auto remote = parse({"--wall", "--windowed", "--feed", "ws://console:8765", "--token", "s3cret"});
        QCOMPARE(remote.wall.feed, QUrl(QStringLiteral("ws://console:8765")));
        QCOMPARE(remote.wall.token, QStringLiteral("s3cret"));
        QVERIFY(!remote.wall.kiosk);
    }

    void consoleServesTheWallFeed()
    {
        const auto line = parse({});
        QVERIFY(line.wall.serve);
        QCOMPARE(line.wall.serveAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(line.wall.servePort, quint16(8765));
        const auto open = parse({"--serve-wall", "0.0.0.0:9000"});
        QCOMPARE(open.wall.serveAddress, QHostAddress(QHostAddress::AnyIPv4));
        QCOMPARE(open.wall.servePort, quint16(9000));
        QVERIFY(!parse({"--serve-wall", "off"}).wall.serve);
        // Remote displays get masked identifiers unless the console is told otherwise.
        QVERIFY(!line.wall.fullIdentifiers);
        QVERIFY(parse({"--wall-full-identifiers"}).wall.fullIdentifiers);
        QVERIFY(CommandLine::helpText().contains("--wall-full-identifiers"));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "-b", "k:1", "--wall-full-identifiers"}));
    }

    void schemaRegistryIsAnHttpAddress()
    {
        QVERIFY(parse({}).schemaRegistry.isEmpty());
        QCOMPARE(parse({"--schema-registry", "https://u:p@registry:8081"}).schemaRegistry,
                 QUrl(QStringLiteral("https://u:p@registry:8081")));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--schema-registry", "registry:8081"}));
    }

    void secretsAreNeverEchoed()
    {
        const auto messageOf = [](const QStringList &arguments) -> QString {
            try {
                parse(arguments);
            } catch (const std::exception &error) {
                return QString::fromUtf8(error.what());
            }
            return {};
        };
        const QString registry = messageOf({"--schema-registry", "ftp://user:s3cr3t-pw@registry:8081"});
        QVERIFY2(registry.contains("user:***@registry"), qPrintable(registry));
        QVERIFY2(!registry.contains("s3cr3t-pw"), qPrintable(registry));
        // A malformed -X is echoed in its error: the secret in it is not.
        const QString property = messageOf({"-X", "sasl.password:hunter2"});
        QVERIFY2(!property.isEmpty() && !property.contains("hunter2"), qPrintable(property));
    }

    void wallMistakesAreExplained()
    {
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall"})); // neither a cluster nor a feed
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "--feed", "ws://c:1"})); // no token
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "--feed", "http://c:1", "--token", "t"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "--feed", "ws://c:1", "--token", "t", "--bootstrap", "k:1"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "-b", "k:1", "--escalate", "30,15"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "-b", "k:1", "--escalate", "15"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--wall", "-b", "k:1", "--mrn-digits", "9"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"--serve-wall", "somewhere:port"}));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse({"broker", "--wall"}));
    }
};

QTEST_APPLESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
