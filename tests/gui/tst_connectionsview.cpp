// The Connections area offscreen, against the RealKafka fixture's SASL_SSL listener, in a fresh HOME
// with gnome-keyring's Secret Service (in-fresh-home --keychain): a profile imported from the
// fixture's client.properties connects and is saved with its password in the keychain, not in the
// file; a wrong password is said when testing, and a profile that does not connect is not saved.
#include "connectionsview.h"
#include "jobs/clusterinspector.h"
#include "profiles/keychain.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

namespace {

const QString SecuredDir = QStringLiteral(VIGIL_REALKAFKA_STATE_DIR "/secured");

void screenshot(QWidget &widget, const char *name)
{
    const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QCoreApplication::processEvents();
    QVERIFY(widget.grab().save(dir + "/" + name));
}

// The cluster asked as the console asks it.
void probe(const ConnectionsView::Properties &properties, std::function<void(const QString &)> done)
{
    ClientConfig config;
    for (const auto &[key, value] : properties)
        config.set(key, value);
    ClusterInspector::probeInBackground(config, QCoreApplication::instance(), std::move(done));
}

void setValue(QTableWidget *table, const QString &key, const QString &value)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->text() == key)
            table->item(row, 1)->setText(value);
    }
}

} // namespace

class TestConnectionsView final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void importTestAndSave()
    {
        const QString properties = SecuredDir + QStringLiteral("/vigil-console-sasl_ssl.properties");
        if (!QFile::exists(properties))
            QSKIP("the RealKafka fixture has no secured listeners");
        QFile file(properties);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        const qsizetype at = text.indexOf("sasl.password=") + 14;
        const QByteArray password = text.mid(at, text.indexOf('\n', at) - at).trimmed();
        QVERIFY(!password.isEmpty());

        const QString dir = QDir::homePath() + QStringLiteral("/profiles");
        Keychain keychain(QStringLiteral("Vigil-test"));
        ConnectionsView view(ProfileStore(dir), &keychain, probe, AuditTrail(QDir::homePath() + QStringLiteral("/audit.jsonl")));
        view.resize(1300, 700);
        view.show();
        view.importFile(properties);
        auto *table = view.findChild<QTableWidget *>(QStringLiteral("profileProperties"));
        QVERIFY(table->findItems(QString::fromUtf8(password), Qt::MatchContains).isEmpty()); // shown as ***
        view.findChild<QLineEdit *>(QStringLiteral("profileName"))->setText(QStringLiteral("fixture-console"));

        view.testConnection();
        QTRY_VERIFY2_WITH_TIMEOUT(view.status().startsWith(QStringLiteral("Connected to ")), qPrintable(view.status()), 30'000);

        setValue(table, QStringLiteral("sasl.password"), QStringLiteral("not-the-password"));
        view.save();
        QTRY_VERIFY_WITH_TIMEOUT(view.status().startsWith(QStringLiteral("Not saved, it did not connect: ")), 30'000);
        QVERIFY2(view.status().contains(QStringLiteral("the cluster refused the user name or password")), qPrintable(view.status()));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/fixture-console.properties")));
        screenshot(view, "connections-refused.png");

        setValue(table, QStringLiteral("sasl.password"), QString::fromUtf8(password));
        view.save();
        QTRY_VERIFY_WITH_TIMEOUT(view.status().contains(QStringLiteral("its secrets are in the OS keychain")), 30'000);
        QFile saved(dir + QStringLiteral("/fixture-console.properties"));
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray savedText = saved.readAll();
        QVERIFY(!savedText.contains(password));
        QVERIFY(savedText.contains("vigil.keychain=sasl.password"));
        Keychain::Secrets secrets;
        QCOMPARE(keychain.readNow(QStringLiteral("fixture-console"), {QStringLiteral("sasl.password")}, &secrets), QString());
        QCOMPARE(secrets.value(0).second, QString::fromUtf8(password));
        QFile audit(QDir::homePath() + QStringLiteral("/audit.jsonl"));
        QVERIFY(audit.open(QIODevice::ReadOnly));
        QVERIFY(audit.readAll().contains("\"action\":\"profile-save\""));
        screenshot(view, "connections-saved.png");
    }
};

QTEST_MAIN(TestConnectionsView)
#include "tst_connectionsview.moc"
