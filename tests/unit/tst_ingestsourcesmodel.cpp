#include "items/ingestsourcesmodel.h"

#include <QSignalSpy>
#include <QtTest>

namespace {

IngestSourceStatus row(const QString &name, qint64 events, qint64 gaps = 0, qint64 unmended = 0)
{
    IngestSourceStatus status;
    status.source = QStringLiteral("webhook http:8443");
    status.name = name;
    status.state = QStringLiteral("receiving");
    status.events = events;
    status.gaps = gaps;
    status.unmended = unmended;
    status.lastEventMs = 1'000'000;
    return status;
}

} // namespace

class TestIngestSourcesModel final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aRowShowsItsCountsInWords()
    {
        IngestSourcesModel model([] { return qint64(1'000'000 + 75'000); });
        model.setStatuses({row(QStringLiteral("Subscription/labs"), 1234, 3, 1)});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, IngestSourcesModel::LastEvent).data().toString(), QStringLiteral("75 s ago"));
        QCOMPARE(model.index(0, IngestSourcesModel::Gaps).data().toString(), QStringLiteral("3 (1)"));
        QVERIFY(model.index(0, IngestSourcesModel::Gaps).data(Qt::BackgroundRole).isValid()); // one still missing
        QCOMPARE(model.index(0, IngestSourcesModel::Events).data().toString(), QLocale::system().toString(1234));
    }

    void newCountsChangeCellsTheSameRowsStay()
    {
        IngestSourcesModel model;
        model.setStatuses({row(QStringLiteral("a"), 1), row(QStringLiteral("b"), 2)});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setStatuses({row(QStringLiteral("a"), 5), row(QStringLiteral("b"), 6)});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        model.setStatuses({row(QStringLiteral("a"), 5), row(QStringLiteral("b"), 6), row(QStringLiteral("c"), 0)});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
    }

    void agesReadAsPeopleSayThem()
    {
        QCOMPARE(formatAgo(0, 5000), QStringLiteral("never"));
        QCOMPARE(formatAgo(1000, 13'000), QStringLiteral("12 s ago"));
        QCOMPARE(formatAgo(0 + 1, 1 + 4 * 60'000), QStringLiteral("4 min ago"));
        QCOMPARE(formatAgo(1, 1 + 3 * 3'600'000), QStringLiteral("3 h ago"));
    }
};

QTEST_GUILESS_MAIN(TestIngestSourcesModel)
#include "tst_ingestsourcesmodel.moc"
