#include "client/clientconfig.h"

#include <QTemporaryDir>
#include <QtTest>

namespace {

QString confValue(const RdConfPtr &conf, const char *key)
{
    char value[512];
    size_t size = sizeof value;
    if (rd_kafka_conf_get(conf.get(), key, value, &size) != RD_KAFKA_CONF_OK)
        return QStringLiteral("<unset>");
    return QString::fromUtf8(value);
}

} // namespace

class TestClientConfig final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void assignmentsAsKcatTakesThem()
    {
        ClientConfig config;
        config.setAssignment(QStringLiteral("security.protocol=SASL_SSL"));
        config.setAssignment(QStringLiteral("sasl.mechanisms=SCRAM-SHA-512"));
        config.setAssignment(QStringLiteral("sasl.password=a=b=c")); // only the first '=' splits
        const RdConfPtr conf = config.build();
        QCOMPARE(confValue(conf, "security.protocol"), QStringLiteral("sasl_ssl"));
        QCOMPARE(confValue(conf, "sasl.mechanisms"), QStringLiteral("SCRAM-SHA-512"));
        QCOMPARE(config.value(QStringLiteral("sasl.password")), QStringLiteral("a=b=c"));
    }

    void laterValuesReplaceEarlierOnes()
    {
        ClientConfig config;
        config.setAssignment(QStringLiteral("client.id=first"));
        config.setAssignment(QStringLiteral("client.id=second"));
        QCOMPARE(config.properties().size(), 1);
        QCOMPARE(confValue(config.build(), "client.id"), QStringLiteral("second"));
    }

    void malformedAssignment()
    {
        ClientConfig config;
        QVERIFY_THROWS_EXCEPTION(ConfigError, config.setAssignment(QStringLiteral("no-equals-sign")));
        QVERIFY_THROWS_EXCEPTION(ConfigError, config.setAssignment(QStringLiteral("=value")));
    }

    void unknownPropertyIsRejectedWithLibrdkafkasMessage()
    {
        ClientConfig config;
        config.set(QStringLiteral("bootstrap.servers"), QStringLiteral("localhost:9092"));
        config.set(QStringLiteral("no.such.property"), QStringLiteral("1"));
        try {
            config.validate();
            QFAIL("an unknown property was accepted");
        } catch (const ConfigError &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QStringLiteral("No such configuration property")), error.what());
            QVERIFY(QString::fromUtf8(error.what()).contains(QStringLiteral("no.such.property")));
        }
    }

    void invalidValueIsRejected()
    {
        ClientConfig config;
        config.set(QStringLiteral("acks"), QStringLiteral("sometimes"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, config.validate());
    }

    void propertiesFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("client.properties"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# Kafka CLI style\n"
                   "bootstrap.servers = broker1:9093,broker2:9093\n"
                   "! another comment style\n"
                   "\n"
                   "security.protocol: SSL\n"
                   "ssl.ca.location=/etc/ssl/certs/\\\n"
                   "  ca.pem\n");
        file.close();

        ClientConfig config;
        config.loadPropertiesFile(path);
        QCOMPARE(config.bootstrapServers(), QStringLiteral("broker1:9093,broker2:9093"));
        QCOMPARE(config.value(QStringLiteral("security.protocol")), QStringLiteral("SSL"));
        QCOMPARE(config.value(QStringLiteral("ssl.ca.location")), QStringLiteral("/etc/ssl/certs/ca.pem"));
        QCOMPARE(config.properties().size(), 3);
    }

    void propertiesFileErrorsNameTheLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.properties"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("client.id=ok\njust-a-word\n");
        file.close();
        ClientConfig config;
        try {
            config.loadPropertiesFile(path);
            QFAIL("a line without a value was accepted");
        } catch (const ConfigError &error) {
            QVERIFY2(QString::fromUtf8(error.what()).endsWith(QStringLiteral("bad.properties:2: expected key=value")),
                     error.what());
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, config.loadPropertiesFile(dir.filePath(QStringLiteral("missing"))));
    }
};

QTEST_APPLESS_MAIN(TestClientConfig)
#include "tst_clientconfig.moc"
