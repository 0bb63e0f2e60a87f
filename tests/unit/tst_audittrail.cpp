// The audit trail's chain: entries appended and flushed with who, when, where, what and why, each
// carrying its predecessor's hash; the verifier finds an altered entry, a removed one, a replaced one,
// reordered ones and a torn last line, and counts an entry sent twice once. An append that cannot be
// written throws, so the caller does not act.
#include "audit/audittrail.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QList<QByteArray> linesOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast(); // after the last newline
    return lines;
}

QString verify(const QList<QByteArray> &lines, AuditVerifier *verifierOut = nullptr)
{
    AuditVerifier verifier;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (!lines[i].isEmpty())
            verifier.add(lines[i], QStringLiteral("line %1").arg(i + 1));
    }
    if (verifierOut)
        *verifierOut = verifier;
    return verifier.firstBroken();
}

} // namespace

class TestAuditTrail final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString trailWith(int entries, const char *name)
    {
        const QString path = m_dir.filePath(QLatin1String(name));
        AuditTrail trail(path, QStringLiteral("console-test"));
        for (int i = 0; i < entries; ++i)
            trail.append({QStringLiteral("threshold-change"), {{"n", i}}, QStringLiteral("reason %1").arg(i), QStringLiteral("Dr. Rivera")},
                         1'800'000'000'000 + i);
        return path;
    }

private Q_SLOTS:
    void entriesSayWhoWhenWhereWhatAndWhy()
    {
        const QString path = trailWith(2, "say.jsonl");
        const auto lines = linesOf(path);
        QCOMPARE(lines.size(), 2);
        const auto first = nlohmann::json::parse(lines[0].toStdString());
        const auto second = nlohmann::json::parse(lines[1].toStdString());
        QCOMPARE(first.at("seq"), 1);
        QCOMPARE(first.at("prev"), "");
        QCOMPARE(first.at("action"), "threshold-change");
        QCOMPARE(first.at("who").at("name"), "Dr. Rivera");
        QVERIFY(!first.at("who").at("os_user").get<std::string>().empty());
        QCOMPARE(first.at("where").at("instance"), "console-test");
        QVERIFY(!first.at("where").at("host").get<std::string>().empty());
        QCOMPARE(first.at("at"), "2027-01-15T08:00:00.000Z");
        QCOMPARE(first.at("what").at("n"), 0);
        QCOMPARE(first.at("why"), "reason 0");
        QVERIFY(first.at("chain").get<std::string>().starts_with(AuditTrail::chainName().toStdString() + '/'));
        QCOMPARE(second.at("chain"), first.at("chain"));
        QCOMPARE(second.at("seq"), 2);
        QCOMPARE(second.at("prev"), first.at("hash"));
        QCOMPARE(first.at("hash").get<std::string>(), AuditTrail::hashOf(first));
        QCOMPARE(first.at("hash").get<std::string>().size(), size_t(64));
    }

    void anIntactTrailVerifies()
    {
        AuditVerifier verifier;
        QCOMPARE(verify(linesOf(trailWith(5, "intact.jsonl")), &verifier), QString());
        QCOMPARE(verifier.entries(), 5);
        QCOMPARE(verifier.chains(), 1);
    }

    void theFirstBrokenEntryIsNamed_data()
    {
        QTest::addColumn<QString>("tampering");
        QTest::addColumn<QString>("said");
        QTest::newRow("altered") << "altered" << "line 3: entry 3 of";
        QTest::newRow("removed") << "removed" << "line 3: entry 4 of";
        QTest::newRow("replaced") << "replaced" << "line 4: entry 4 of";
        QTest::newRow("reordered") << "reordered" << "line 2: entry 3 of";
        QTest::newRow("not JSON") << "garbage" << "line 3: not an audit entry";
    }
    void theFirstBrokenEntryIsNamed()
    {
        QFETCH(QString, tampering);
        QFETCH(QString, said);
        auto lines = linesOf(trailWith(5, qPrintable(tampering + ".jsonl")));
        if (tampering == u"altered") {
            lines[2].replace("reason 2", "reason X"); // the words changed, the hash left as it was
        } else if (tampering == u"removed") {
            lines.removeAt(2);
        } else if (tampering == u"replaced") {
            // A forged entry 3 with a correct hash of its own: entry 4 no longer carries it.
            auto entry = nlohmann::json::parse(lines[2].toStdString());
            entry["why"] = "forged";
            entry["hash"] = AuditTrail::hashOf(entry);
            lines[2] = QByteArray::fromStdString(entry.dump());
        } else if (tampering == u"reordered") {
            lines.swapItemsAt(1, 2);
        } else {
            lines[2] = "{not json";
        }
        const QString broken = verify(lines);
        QVERIFY2(broken.startsWith(said), qPrintable(broken));
        if (tampering == u"removed")
            QVERIFY2(broken.contains(u"missing"), qPrintable(broken));
        if (tampering == u"replaced")
            QVERIFY2(broken.contains(u"replaced"), qPrintable(broken));
        if (tampering == u"altered")
            QVERIFY2(broken.contains(u"altered"), qPrintable(broken));
    }

    void anEntrySentTwiceIsCountedOnce()
    {
        auto lines = linesOf(trailWith(3, "twice.jsonl"));
        lines.insert(2, lines[1]);
        AuditVerifier verifier;
        QCOMPARE(verify(lines, &verifier), QString());
        QCOMPARE(verifier.entries(), 3);
        QCOMPARE(verifier.duplicates(), 1);
    }

    void aTornLastLineStopsAppendingUntilLookedAt()
    {
        const QString path = trailWith(2, "torn.jsonl");
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::Append));
            file.write("{\"chain\":\"x\",\"seq\":3"); // a console that stopped mid-line
        }
        const qint64 size = QFileInfo(path).size();
        AuditTrail trail(path);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, trail.append({QStringLiteral("reveal-patient-ids"), {}, {}, {}}, 0));
        QCOMPARE(QFileInfo(path).size(), size); // nothing appended after the torn line
    }

    void anAppendThatCannotBeWrittenThrows()
    {
        const QString blocked = m_dir.filePath(QStringLiteral("a-directory"));
        QVERIFY(QDir().mkpath(blocked));
        AuditTrail trail(blocked); // a directory cannot be appended to
        try {
            trail.append({QStringLiteral("reveal-patient-ids"), {}, {}, {}}, 0);
            QFAIL("appended to a directory");
        } catch (const std::runtime_error &error) {
            QVERIFY2(QString::fromUtf8(error.what()).startsWith(QStringLiteral("audit trail ") + blocked), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestAuditTrail)
#include "tst_audittrail.moc"
