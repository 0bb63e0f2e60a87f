#include "base/secretmask.h"

#include <QtTest>

class TestSecretMask final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void secretProperties()
    {
        for (const char *key : {"sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret",
                                "sasl.jaas.config", "ssl.key.pem", "token"})
            QVERIFY2(SecretMask::isSecretProperty(key), key);
        for (const char *key : {"bootstrap.servers", "sasl.username", "ssl.ca.location", "security.protocol"})
            QVERIFY2(!SecretMask::isSecretProperty(key), key);
    }

    void masked_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("url") << R"(--schema-registry takes an http:// or https:// address, got "htps://user:s3cr3t@host:8081")"
                             << R"(--schema-registry takes an http:// or https:// address, got "htps://user:***@host:8081")";
        QTest::newRow("url without password") << "https://user@host/x" << "https://user@host/x";
        QTest::newRow("property") << "sasl.password=hunter2 is wrong" << "sasl.password=*** is wrong";
        QTest::newRow("properties file") << "ssl.key.password: abc def" << "ssl.key.password: *** def";
        QTest::newRow("query token") << "ws://console:8765/wall?token=abcdef&unit=ICU" << "ws://console:8765/wall?token=***&unit=ICU";
        QTest::newRow("bearer") << "Authorization: Bearer abc.def" << "Authorization: Bearer ***";
        QTest::newRow("nothing secret") << "broker 1 is down" << "broker 1 is down";
    }

    void masked()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(SecretMask::masked(text), expected);
    }
};

QTEST_GUILESS_MAIN(TestSecretMask)
#include "tst_secretmask.moc"
