// Connection profiles: readable files without secrets, the secrets in the OS keychain. Run twice by
// ctest: in a D-Bus session with gnome-keyring's Secret Service (VIGIL_TEST_KEYCHAIN=1, through
// with-keychain), and with no D-Bus session at all (VIGIL_TEST_KEYCHAIN=0), where saving a secret
// must fail saying why and leave it in no file.
#include "profiles/connectionprofile.h"
#include "profiles/keychain.h"

#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QByteArray clientProperties = "# from the hospital's Kafka team\n"
                                    "bootstrap.servers=kafka1.hospital.example:9094\n"
                                    "security.protocol=SASL_SSL\n"
                                    "sasl.mechanisms=SCRAM-SHA-512\n"
                                    "sasl.username=vigil-console\n"
                                    "sasl.password=Pa55-w0rd-s3cret\n"
                                    "ssl.ca.location=/etc/ssl/hospital-ca.pem\n"
                                    "ssl.key.password=k3y-pass-phrase\n"
                                    "vigil.schema.registry=https://reg:r3g-secret@registry.hospital.example\n"
                                    "vigil.wall.feed=wss://console.hospital.example:8765\n";
const QStringList secretValues = {"Pa55-w0rd-s3cret", "k3y-pass-phrase", "r3g-secret"};

bool keychainExpected()
{
    return qEnvironmentVariable("VIGIL_TEST_KEYCHAIN") == u"1";
}

// Every file under dir that contains one of the secrets.
QStringList filesWithSecrets(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray content = file.readAll();
        for (const QString &secret : secretValues) {
            if (content.contains(secret.toUtf8()))
                found.append(file.fileName());
        }
    }
    return found;
}

} // namespace

class TestConnectionProfiles final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString importFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("client.properties"));
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(clientProperties);
        return path;
    }

private Q_SLOTS:
    void theFileKeepsEverythingButTheSecrets()
    {
        const ProfileStore store(m_dir.filePath(QStringLiteral("profiles")));
        const ConnectionProfile imported = ConnectionProfile::fromPropertiesFile(QStringLiteral("icu-prod"), importFile());
        const Keychain::Secrets secrets = store.save(imported);
        QCOMPARE(secrets.size(), 3);
        QCOMPARE(store.names(), QStringList{"icu-prod"});
        QCOMPARE(filesWithSecrets(m_dir.filePath(QStringLiteral("profiles"))), QStringList());
        QCOMPARE(store.keychainHeld(QStringLiteral("icu-prod")),
                 (QStringList{"sasl.password", "ssl.key.password", "vigil.schema.registry.password"}));

        ConnectionProfile loaded = store.load(QStringLiteral("icu-prod"));
        QCOMPARE(loaded.bootstrapServers(), QStringLiteral("kafka1.hospital.example:9094"));
        QCOMPARE(loaded.value(QStringLiteral("sasl.username")), QStringLiteral("vigil-console"));
        QCOMPARE(loaded.value(QStringLiteral("sasl.password")), QString());
        QCOMPARE(loaded.schemaRegistry, QStringLiteral("https://reg@registry.hospital.example"));
        QCOMPARE(loaded.wallFeed, QStringLiteral("wss://console.hospital.example:8765"));
        loaded.applySecrets(secrets);
        QCOMPARE(loaded.value(QStringLiteral("sasl.password")), QStringLiteral("Pa55-w0rd-s3cret"));
        QCOMPARE(loaded.schemaRegistry, QStringLiteral("https://reg:r3g-secret@registry.hospital.example"));
        for (const auto &[key, value] : loaded.clientProperties())
            QVERIFY2(!key.startsWith(u"vigil."), qPrintable(key)); // librdkafka would refuse them

        QVERIFY_THROWS_EXCEPTION(ProfileError, store.load(QStringLiteral("../etc/passwd")));
        QVERIFY_THROWS_EXCEPTION(ProfileError, store.load(QStringLiteral("missing")));
    }

    void secretsGoToTheKeychainOrAreRefusedSayingWhy()
    {
        Keychain keychain(QStringLiteral("Vigil-test"));
        const Keychain::Secrets secrets = {{"sasl.password", "Pa55-w0rd-s3cret"}, {"ssl.key.password", "k3y-pass-phrase"}};
        const QString written = keychain.writeNow(QStringLiteral("icu-prod"), secrets);
        if (!keychainExpected()) {
            QVERIFY2(written.startsWith(QStringLiteral("no OS keychain service is running")), qPrintable(written));
            QVERIFY2(written.contains(QStringLiteral("-X")), qPrintable(written)); // what to do instead
            QCOMPARE(filesWithSecrets(QDir::homePath() + QStringLiteral("/.config")), QStringList());
            QCOMPARE(filesWithSecrets(QDir::homePath() + QStringLiteral("/.local")), QStringList());
            return;
        }
        QVERIFY2(written.isEmpty(), qPrintable(written));
        Keychain::Secrets read;
        QCOMPARE(keychain.readNow(QStringLiteral("icu-prod"), {"sasl.password", "ssl.key.password"}, &read), QString());
        QCOMPARE(read, secrets);
        // Another profile's secrets are its own.
        QCOMPARE(keychain.readNow(QStringLiteral("other"), {"sasl.password"}, &read), QString());
        QVERIFY(read.isEmpty());
    }

    // The command line end to end: import, then --profile fills the secrets in from the keychain.
    void importAndConnectFromTheCommandLine()
    {
        QProcess vigil;
        vigil.setProgram(QStringLiteral(VIGIL_BINARY_DIR "/vigil"));
        vigil.setArguments({"profile", "import", "cli-test", importFile()});
        vigil.start();
        QVERIFY(vigil.waitForFinished(30'000));
        const QString said = QString::fromUtf8(vigil.readAllStandardOutput() + vigil.readAllStandardError());
        QCOMPARE(vigil.exitCode(), keychainExpected() ? 0 : 1);
        QVERIFY2(said.contains(keychainExpected() ? QStringLiteral("kept in the OS keychain")
                                                  : QStringLiteral("saved without its secrets: no OS keychain service is running")),
                 qPrintable(said));
        QCOMPARE(filesWithSecrets(ProfileStore::defaultDir()), QStringList());

        // `provision --check` connects with the profile: the secrets reached librdkafka (which then
        // fails to resolve the made-up host) or, without a keychain, the missing one is named.
        vigil.setArguments({"provision", "--check", "--profile", "cli-test", "-X", "socket.timeout.ms=2000"});
        vigil.start();
        QVERIFY(vigil.waitForFinished(60'000));
        const QString connected = QString::fromUtf8(vigil.readAllStandardOutput() + vigil.readAllStandardError());
        QCOMPARE(vigil.exitCode(), 2);
        if (keychainExpected())
            QVERIFY2(!connected.contains(QStringLiteral("is kept in the OS keychain")), qPrintable(connected));
        else
            QVERIFY2(connected.contains(QStringLiteral("sasl.password is kept in the OS keychain")), qPrintable(connected));
        for (const QString &secret : secretValues)
            QVERIFY2(!connected.contains(secret), qPrintable(connected)); // never echoed
    }
};

QTEST_GUILESS_MAIN(TestConnectionProfiles)
#include "tst_connectionprofiles.moc"
