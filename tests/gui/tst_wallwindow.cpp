// The nurse-station wall display as a person sees it: rows, FEED DOWN, the empty board, acknowledge
// with read-back, the chime. A fixed clock drives it; no sleeps. With VIGIL_SCREENSHOT_DIR set, the
// 1920x1080 boards are saved there to be looked at.
#include "wallboard.h"
#include "wall/wallstate.h"
#include "wallwindow.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

namespace {

constexpr qint64 Minute = 60'000;
const qint64 T0 = QDateTime(QDate(2026, 11, 28), QTime(14, 0), Qt::UTC).toMSecsSinceEpoch();

AdtEvent admit(const std::string &patient, const std::string &ward, const std::string &bed, qint64 at = T0 - 60 * Minute)
{
    AdtEvent event;
    event.kind = AdtEvent::Kind::Encounter;
    event.patientId = patient;
    event.encounterId = "enc-" + patient;
    event.ward = ward;
    event.room = bed.substr(0, bed.find('-'));
    event.bed = bed;
    event.timestampMs = at;
    return event;
}

AdtEvent identity(const std::string &patient, const std::string &initials, const std::string &mrn)
{
    AdtEvent event;
    event.kind = AdtEvent::Kind::Patient;
    event.patientId = patient;
    event.initials = initials;
    event.mrn = mrn;
    event.timestampMs = T0 - 120 * Minute;
    return event;
}

Alert alert(const std::string &id, const std::string &patient, const std::string &display, double value,
            const std::string &unit, AlertSeverity severity, qint64 raisedAt)
{
    Alert a;
    a.alertId = id;
    a.patientId = patient;
    a.loinc = "2823-3";
    a.display = display;
    a.value = value;
    a.unit = unit;
    a.severity = severity;
    a.limit = value;
    a.issued = msToFhirInstant(raisedAt - 2 * Minute);
    a.evaluatedAtMs = raisedAt;
    return a;
}

QString screenshotDir()
{
    return qEnvironmentVariable("VIGIL_SCREENSHOT_DIR");
}

void saveScreenshot(QWidget &window, const QString &name)
{
    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(1920, 1080));
    if (!screenshotDir().isEmpty()) {
        QDir().mkpath(screenshotDir());
        QVERIFY(image.save(screenshotDir() + u'/' + name));
    }
}

} // namespace

class TestWallWindow final : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsTheUnitsRowsInBoardOrder();
    void valuesAreLargeAtTenEightyLines();
    void emptyBoardSaysNoOpenResultsOnlyWhenCurrent();
    void staleFeedRaisesTheBanner();
    void stoppedEvaluationRaisesTheBanner();
    void acknowledgeNeedsNameAndReadBack();
    void newAlertChimesUnlessMuted();
    void aCorrectionAsksToBeAcknowledged();
    void screenshots();

private:
    void feedWard();
    std::unique_ptr<WallState> m_state;
    std::unique_ptr<WallWindow> m_window;
    qint64 m_now = T0;
};

void TestWallWindow::init()
{
    m_now = T0;
    m_state = std::make_unique<WallState>(WallOptions{});
    WallWindowOptions options;
    options.unit = "4 West";
    options.source = QStringLiteral("test");
    m_window = std::make_unique<WallWindow>(m_state.get(), options);
    m_window->setClock([this] { return m_now; });
    m_window->resize(1920, 1080);
}

void TestWallWindow::cleanup()
{
    m_window.reset();
    m_state.reset();
}

void TestWallWindow::feedWard()
{
    m_state->applyBatch({}, {identity("p1", "J.S.", "00123481"), identity("p2", "A.K.", "00771290"),
                             identity("p3", "M.O.", "00456602"), admit("p1", "4 West", "12-A"),
                             admit("p2", "4 West", "14-B"), admit("p3", "4 West", "3-A"), admit("p9", "ICU", "1-A")},
                        false, m_now);
    Alert acknowledged = alert("k-p3", "p3", "Potassium", 6.9, "mmol/L", AlertSeverity::CriticalHigh, T0 - 25 * Minute);
    acknowledged = *acknowledged.acknowledge("RN Okafor", T0 - 20 * Minute, true).alert;
    m_state->applyBatch({alert("glu-p1", "p1", "Glucose", 2.1, "mmol/L", AlertSeverity::CriticalLow, T0 - 5 * Minute),
                         alert("na-p2", "p2", "Sodium", 118, "mmol/L", AlertSeverity::CriticalLow, T0 - 40 * Minute),
                         alert("k-p1", "p1", "Potassium", 6.6, "mmol/L", AlertSeverity::CriticalHigh, T0 - 17 * Minute),
                         acknowledged,
                         alert("icu", "p9", "Lactate", 5.1, "mmol/L", AlertSeverity::CriticalHigh, T0 - 1 * Minute)},
                        {}, false, m_now);
    m_state->historyRead();
    m_state->heard(m_now);
    m_window->refresh();
}

void TestWallWindow::showsTheUnitsRowsInBoardOrder()
{
    feedWard();
    const auto &rows = m_window->board()->rows();
    QCOMPARE(rows.size(), std::size_t(4)); // the ICU's alert is not on this board
    QCOMPARE(rows[0].alert.alertId, std::string("na-p2")); // open, oldest first
    QCOMPARE(rows[0].escalation, 2);                      // 40 min unacknowledged
    QCOMPARE(rows[1].alert.alertId, std::string("k-p1"));
    QCOMPARE(rows[1].escalation, 1);
    QCOMPARE(rows[2].alert.alertId, std::string("glu-p1"));
    QCOMPARE(rows[2].escalation, 0);
    QCOMPARE(rows[3].alert.state, AlertState::Acknowledged);
    QCOMPARE(rows[0].bed, std::string("14-B"));
    QVERIFY(!m_window->isBannerShown());
}

void TestWallWindow::valuesAreLargeAtTenEightyLines()
{
    feedWard();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    // About 1 inch tall on a 40-inch 1080p screen: legible from 3 m.
    QVERIFY2(m_window->board()->largeTextPixels() >= 54, qPrintable(QString::number(m_window->board()->largeTextPixels())));
    const int at1080 = m_window->board()->largeTextPixels();
    m_window->resize(1280, 720);
    QTRY_VERIFY(m_window->board()->largeTextPixels() < at1080); // scales with the window
}

void TestWallWindow::emptyBoardSaysNoOpenResultsOnlyWhenCurrent()
{
    m_window->refresh();
    QCOMPARE(m_window->board()->emptyHeadline(), QStringLiteral("Reading current alerts…"));
    m_state->historyRead();
    m_state->heard(m_now);
    m_window->refresh();
    QCOMPARE(m_window->board()->emptyHeadline(), QStringLiteral("No open critical results"));
    m_now += 31'000; // under FEED DOWN an empty board cannot vouch for anything
    m_window->refresh();
    QCOMPARE(m_window->board()->emptyHeadline(), QStringLiteral("No critical results received"));
}

void TestWallWindow::staleFeedRaisesTheBanner()
{
    feedWard();
    m_now = T0 + 29'000;
    m_window->refresh();
    QVERIFY(!m_window->isBannerShown());
    m_now = T0 + 31'000; // nothing heard for longer than the 30 s limit
    m_window->refresh();
    QVERIFY(m_window->isBannerShown());
    QVERIFY2(m_window->bannerText().startsWith(QStringLiteral("FEED DOWN since 14:00 — alerts may be missing")),
             qPrintable(m_window->bannerText()));
    m_state->heard(m_now); // the feed is back
    m_window->refresh();
    QVERIFY(!m_window->isBannerShown());

    m_state->brokersLost(QStringLiteral("all brokers down"), m_now); // no waiting for the limit then
    m_window->refresh();
    QVERIFY(m_window->isBannerShown());
}

void TestWallWindow::stoppedEvaluationRaisesTheBanner()
{
    feedWard();
    m_window->refresh();
    QVERIFY(!m_window->isBannerShown());
    // The topic still flows, but nothing evaluates new results: the ward must not trust the board.
    m_state->setEvaluationStopped("transactional id fenced by another instance", m_now);
    m_window->refresh();
    QVERIFY(m_window->isBannerShown());
    QVERIFY2(m_window->bannerText().contains(QStringLiteral("critical-value evaluation stopped: transactional id fenced")),
             qPrintable(m_window->bannerText()));
    m_state->setEvaluationStopped({}, m_now);
    m_window->refresh();
    QVERIFY(!m_window->isBannerShown());
}

void TestWallWindow::acknowledgeNeedsNameAndReadBack()
{
    feedWard();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy requested(m_window.get(), &WallWindow::actionRequested);
    QTest::mouseClick(m_window->board(), Qt::LeftButton, {}, m_window->board()->actionRect(0).center());
    QVERIFY(m_window->actionPanel()->isVisible());
    QPushButton *confirm = m_window->confirmButton();
    QVERIFY(!confirm->isEnabled());
    auto *by = m_window->findChild<QLineEdit *>(QStringLiteral("actionBy"));
    auto *readBack = m_window->findChild<QCheckBox *>(QStringLiteral("readBack"));
    QVERIFY(by && readBack);
    QVERIFY2(readBack->text().contains(QStringLiteral("118 mmol/L")), qPrintable(readBack->text()));
    QTest::keyClicks(by, QStringLiteral("RN Lee"));
    QVERIFY(!confirm->isEnabled()); // not without the read-back
    readBack->setChecked(true);
    QVERIFY(confirm->isEnabled());
    QTest::mouseClick(confirm, Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    const auto action = requested.first().first().value<AlertAction>();
    QCOMPARE(action.kind, AlertAction::Kind::Acknowledge);
    QCOMPARE(action.alertId, std::string("na-p2"));
    QCOMPARE(action.by, std::string("RN Lee"));
    QVERIFY(action.readBack);

    m_window->actionAnswered(QStringLiteral("na-p2"), false, QStringLiteral("broker unreachable"));
    QVERIFY(m_window->actionPanel()->isVisible()); // the nurse sees it did not go through
    m_window->actionAnswered(QStringLiteral("na-p2"), true, {});
    QVERIFY(!m_window->actionPanel()->isVisible());
    // The row stays open until the acknowledged record comes back from Kafka.
    QCOMPARE(m_window->board()->rows()[0].alert.state, AlertState::Open);

    // Acknowledged rows offer resolve, which needs no read-back.
    QTest::mouseClick(m_window->board(), Qt::LeftButton, {}, m_window->board()->actionRect(3).center());
    QVERIFY(readBack->isHidden());
    QTest::keyClicks(by, QStringLiteral("Dr Varga"));
    QTest::mouseClick(confirm, Qt::LeftButton);
    QCOMPARE(requested.size(), 2);
    QCOMPARE(requested.last().first().value<AlertAction>().kind, AlertAction::Kind::Resolve);
}

void TestWallWindow::newAlertChimesUnlessMuted()
{
    feedWard();
    QSignalSpy chimed(m_window.get(), &WallWindow::chimed);
    m_state->applyBatch({alert("new-1", "p2", "Potassium", 2.4, "mmol/L", AlertSeverity::CriticalLow, m_now)}, {}, true, m_now);
    QCOMPARE(chimed.size(), 1);
    m_state->applyBatch({alert("icu-2", "p9", "Potassium", 2.4, "mmol/L", AlertSeverity::CriticalLow, m_now)}, {}, true, m_now);
    QCOMPARE(chimed.size(), 1); // another unit's alert
    Alert late = alert("late-1", "p1", "Potassium", 2.4, "mmol/L", AlertSeverity::CriticalLow, m_now);
    late.late = true;
    m_state->applyBatch({late}, {}, true, m_now);
    QCOMPARE(chimed.size(), 1); // a result from days ago is shown, not announced
    m_window->setMuted(true);
    m_state->applyBatch({alert("new-2", "p1", "Potassium", 2.4, "mmol/L", AlertSeverity::CriticalLow, m_now)}, {}, true, m_now);
    QCOMPARE(chimed.size(), 1);
    QVERIFY(m_window->isMuted());
}

// The acknowledged potassium corrected to a normal value: open again, saying what it was.
void TestWallWindow::aCorrectionAsksToBeAcknowledged()
{
    feedWard();
    Alert correction = *m_state->board().find("k-p3");
    correction.previousValue = correction.value;
    correction.value = 4.4;
    correction.amended = true;
    correction.corrected = true;
    correction.state = AlertState::Open;
    correction.ackedBy.clear();
    correction.ackedAtMs.reset();
    correction.readBack = false;
    correction.evaluatedAtMs = T0 - 2 * Minute;
    Alert amended = *m_state->board().find("na-p2");
    amended.previousValue = amended.value;
    amended.value = 116;
    amended.amended = true; // raised 40 min ago: an amendment keeps that time, and the escalation
    m_state->applyBatch({correction, amended}, {}, true, m_now);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->refresh();
    const auto &rows = m_window->board()->rows();
    const auto row = std::find_if(rows.begin(), rows.end(), [](const BoardRow &r) { return r.alert.alertId == "k-p3"; });
    QVERIFY(row != rows.end());
    QCOMPARE(row->alert.state, AlertState::Open);
    QVERIFY(row->alert.corrected);
    QCOMPARE(m_state->board().find("na-p2")->value, 116.0);
    QCOMPARE(rows.front().alert.alertId, std::string("na-p2"));
    QCOMPARE(rows.front().escalation, 2);
    saveScreenshot(*m_window, QStringLiteral("wall-corrected.png"));
}

void TestWallWindow::screenshots()
{
    feedWard();
    m_state->applyBatch({alert("new-1", "p2", "Potassium", 2.4, "mmol/L", AlertSeverity::CriticalLow, m_now - 20'000)},
                        {}, true, m_now);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->refresh();
    saveScreenshot(*m_window, QStringLiteral("wall-board.png"));
    QTest::mouseClick(m_window->board(), Qt::LeftButton, {}, m_window->board()->actionRect(0).center());
    QTest::keyClicks(m_window->findChild<QLineEdit *>(QStringLiteral("actionBy")), QStringLiteral("RN Lee"));
    saveScreenshot(*m_window, QStringLiteral("wall-acknowledge.png"));
    QTest::keyClick(m_window.get(), Qt::Key_Escape);
    m_now += 45'000;
    m_window->refresh();
    QVERIFY(m_window->isBannerShown());
    saveScreenshot(*m_window, QStringLiteral("wall-feed-down.png"));
}

QTEST_MAIN(TestWallWindow)
#include "tst_wallwindow.moc"
