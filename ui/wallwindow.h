#pragma once

#include "wall/wallfeed.h"

#include <QWidget>

#include <functional>

#include <string>
#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class WallBoard;
class WallState;

struct WallWindowOptions {
    std::string unit;     // the ward this display stands in
    bool kiosk = false;   // full screen, no frame, cursor hidden when idle; leaving needs a deliberate action
    QString source;       // where the board's data comes from, shown small in the header
};

// The nurse-station wall display of one unit: a header (unit, census, clock, sound), the FEED DOWN
// banner when the feed cannot be trusted, the board, and an inline panel for acknowledge and resolve
// (never a blocking dialog). What it shows comes from WallState; what a person does leaves as
// actionRequested and comes back through Kafka like every other change.
class WallWindow final : public QWidget {
    Q_OBJECT
public:
    WallWindow(WallState *state, WallWindowOptions options, QWidget *parent = nullptr);

    WallBoard *board() const { return m_board; }
    bool isMuted() const { return m_muted; }
    QWidget *actionPanel() const { return m_actionPanel; }
    QPushButton *confirmButton() const { return m_confirm; }
    bool isBannerShown() const;
    QString bannerText() const;
    // Tests drive the clock; the window otherwise reads the wall clock every second.
    void setClock(std::function<qint64()> clock);
    void refresh();

public Q_SLOTS:
    void setMuted(bool muted);
    // The outcome of publishing an action: the panel closes, or says what went wrong.
    void actionAnswered(const QString &alertId, bool ok, const QString &error);

Q_SIGNALS:
    void actionRequested(const AlertAction &action);
    void chimed();
    void leaveRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QWidget *buildHeader();
    QWidget *buildActionPanel();
    QWidget *buildLeavePanel();
    void announce(const std::vector<std::string> &alertIds);
    void openAction(const QString &alertId, AlertAction::Kind kind);
    void confirmAction();
    void closeAction();
    void updateConfirmable();
    void noteActivity();

    WallState *m_state;
    WallWindowOptions m_options;
    std::function<qint64()> m_clock;
    bool m_muted = false;

    QLabel *m_unit = nullptr;
    QLabel *m_census = nullptr;
    QLabel *m_clockLabel = nullptr;
    QLabel *m_source = nullptr;
    QPushButton *m_sound = nullptr;
    QLabel *m_banner = nullptr;
    WallBoard *m_board = nullptr;

    QWidget *m_actionPanel = nullptr;
    QLabel *m_actionTitle = nullptr;
    QLineEdit *m_actionBy = nullptr;
    QCheckBox *m_readBack = nullptr;
    QPushButton *m_confirm = nullptr;
    QLabel *m_actionStatus = nullptr;
    AlertAction m_pending;

    QWidget *m_leavePanel = nullptr;
    QTimer *m_cursorIdle = nullptr;
    QTimer *m_refreshSoon = nullptr;
};
