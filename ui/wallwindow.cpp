#include "wallwindow.h"

#include "wallboard.h"
#include "wall/wallstate.h"
#include "walltheme.h"

#include <QApplication>
#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace {

constexpr int CursorIdleMs = 5000;
constexpr int HighlightMs = 10'000;

QString clockText(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm")); }

QString wallStyleSheet()
{
    return QStringLiteral(
               "WallWindow { background: %1; }"
               "QLabel { color: %2; }"
               "QLabel#banner { background: %3; color: white; font-weight: bold; padding: 0.3em; }"
               "QLabel#secondary { color: %4; }"
               "QWidget#panel { background: #1c2330; border-top: 4px solid %5; }"
               "QLineEdit { padding: 0.2em; background: white; color: black; }"
               "QCheckBox { color: white; }"
               "QPushButton { font-weight: bold; padding: 0.3em 1.2em; border-radius: 8px;"
               "              background: #3a4556; color: white; }"
               "QPushButton#primary { background: %5; color: %1; }"
               "QPushButton:disabled, QPushButton#primary:disabled { background: #2a2f38; color: #6b7380; }")
        .arg(WallTheme::background().name(), WallTheme::text().name(), WallTheme::banner().name(),
             WallTheme::secondaryText().name(), WallTheme::warningText().name());
}

} // namespace

WallWindow::WallWindow(WallState *state, WallWindowOptions options, QWidget *parent)
    : QWidget(parent), m_state(state), m_options(std::move(options)),
      m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    setObjectName(QStringLiteral("WallWindow"));
    setWindowTitle(tr("Vigil wall display"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(wallStyleSheet());

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setWordWrap(true);
    m_banner->hide();
    m_board = new WallBoard(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(buildHeader());
    layout->addWidget(m_banner);
    layout->addWidget(m_board, 1);
    layout->addWidget(buildActionPanel());
    layout->addWidget(buildLeavePanel());

    connect(m_board, &WallBoard::actionClicked, this, &WallWindow::openAction);
    connect(m_state, &WallState::alertsArrived, this, &WallWindow::announce);
    m_refreshSoon = new QTimer(this);
    m_refreshSoon->setSingleShot(true);
    m_refreshSoon->setInterval(100); // coalesces a burst of changes into one repaint
    connect(m_refreshSoon, &QTimer::timeout, this, &WallWindow::refresh);
    connect(m_state, &WallState::changed, m_refreshSoon, [this] {
        if (!m_refreshSoon->isActive()) // a steady stream of changes must not keep postponing the repaint
            m_refreshSoon->start();
    });
    auto *second = new QTimer(this);
    connect(second, &QTimer::timeout, this, [this] {
        m_state->expire(m_clock());
        refresh();
    });
    second->start(1000);

    if (m_options.kiosk) {
        setWindowFlag(Qt::FramelessWindowHint);
        m_cursorIdle = new QTimer(this);
        m_cursorIdle->setSingleShot(true);
        m_cursorIdle->setInterval(CursorIdleMs);
        connect(m_cursorIdle, &QTimer::timeout, this, [this] { setCursor(Qt::BlankCursor); });
        qApp->installEventFilter(this);
        m_cursorIdle->start();
    }
    refresh();
}

QWidget *WallWindow::buildHeader()
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(24, 12, 24, 12);
    m_unit = new QLabel(header);
    m_census = new QLabel(header);
    m_census->setObjectName(QStringLiteral("secondary"));
    m_source = new QLabel(header);
    m_source->setObjectName(QStringLiteral("secondary"));
    m_sound = new QPushButton(header);
    m_sound->setFocusPolicy(Qt::NoFocus);
    connect(m_sound, &QPushButton::clicked, this, [this] { setMuted(!m_muted); });
    m_clockLabel = new QLabel(header);
    row->addWidget(m_unit);
    row->addSpacing(24);
    row->addWidget(m_census);
    row->addStretch(1);
    row->addWidget(m_source);
    row->addSpacing(24);
    row->addWidget(m_sound);
    row->addSpacing(24);
    row->addWidget(m_clockLabel);
    setMuted(false);
    return header;
}

QWidget *WallWindow::buildActionPanel()
{
    m_actionPanel = new QWidget(this);
    m_actionPanel->setObjectName(QStringLiteral("panel"));
    m_actionPanel->setAttribute(Qt::WA_StyledBackground);
    auto *column = new QVBoxLayout(m_actionPanel);
    column->setContentsMargins(24, 16, 24, 16);
    m_actionTitle = new QLabel(m_actionPanel);
    m_actionBy = new QLineEdit(m_actionPanel);
    m_actionBy->setObjectName(QStringLiteral("actionBy"));
    m_actionBy->setPlaceholderText(tr("Your name or badge number"));
    m_readBack = new QCheckBox(m_actionPanel);
    m_readBack->setObjectName(QStringLiteral("readBack"));
    m_actionStatus = new QLabel(m_actionPanel);
    m_actionStatus->setObjectName(QStringLiteral("secondary"));
    m_confirm = new QPushButton(m_actionPanel);
    m_confirm->setObjectName(QStringLiteral("primary"));
    auto *cancel = new QPushButton(tr("Cancel"), m_actionPanel);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_actionBy, 2);
    buttons->addWidget(m_confirm);
    buttons->addWidget(cancel);
    column->addWidget(m_actionTitle);
    column->addLayout(buttons);
    column->addWidget(m_readBack);
    column->addWidget(m_actionStatus);
    connect(m_actionBy, &QLineEdit::textChanged, this, &WallWindow::updateConfirmable);
    connect(m_actionBy, &QLineEdit::returnPressed, this, &WallWindow::confirmAction);
    connect(m_readBack, &QCheckBox::toggled, this, &WallWindow::updateConfirmable);
    connect(m_confirm, &QPushButton::clicked, this, &WallWindow::confirmAction);
    connect(cancel, &QPushButton::clicked, this, &WallWindow::closeAction);
    m_actionPanel->hide();
    return m_actionPanel;
}

QWidget *WallWindow::buildLeavePanel()
{
    m_leavePanel = new QWidget(this);
    m_leavePanel->setObjectName(QStringLiteral("panel"));
    m_leavePanel->setAttribute(Qt::WA_StyledBackground);
    auto *row = new QHBoxLayout(m_leavePanel);
    row->setContentsMargins(24, 16, 24, 16);
    auto *question = new QLabel(tr("Leave the wall display? Critical results will no longer show here."), m_leavePanel);
    auto *leave = new QPushButton(tr("Leave"), m_leavePanel);
    auto *stay = new QPushButton(tr("Stay"), m_leavePanel);
    stay->setObjectName(QStringLiteral("primary"));
    row->addWidget(question, 1);
    row->addWidget(leave);
    row->addWidget(stay);
    connect(leave, &QPushButton::clicked, this, &WallWindow::leaveRequested);
    connect(stay, &QPushButton::clicked, m_leavePanel, &QWidget::hide);
    m_leavePanel->hide();
    return m_leavePanel;
}

void WallWindow::resizeEvent(QResizeEvent *event)
{
    // Type scales with the screen: 27 px body text at 1080 lines, the unit and the clock twice that.
    const int body = std::max(14, height() / 40);
    QFont font = this->font();
    font.setPixelSize(body);
    setFont(font);
    font.setBold(true);
    font.setPixelSize(body * 2);
    m_unit->setFont(font);
    m_clockLabel->setFont(font);
    font.setPixelSize(body * 6 / 5);
    m_banner->setFont(font);
    m_actionTitle->setFont(font);
    // Styled children do not inherit the window's font: each is sized here.
    font.setBold(false);
    font.setPixelSize(body);
    for (QWidget *widget : {static_cast<QWidget *>(m_census), static_cast<QWidget *>(m_sound)})
        widget->setFont(font);
    for (QWidget *panel : {m_actionPanel, m_leavePanel}) {
        for (QWidget *child : panel->findChildren<QWidget *>()) {
            if (child != m_actionTitle)
                child->setFont(font);
        }
    }
    font.setPixelSize(body * 3 / 4);
    m_source->setFont(font);
    m_readBack->setStyleSheet(QStringLiteral("QCheckBox::indicator { width: %1px; height: %1px; }").arg(body));
    QWidget::resizeEvent(event);
}

void WallWindow::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    refresh();
}

void WallWindow::refresh()
{
    const qint64 now = m_clock();
    m_unit->setText(QString::fromStdString(m_options.unit));
    const int admitted = m_state->admitted(m_options.unit);
    QString census = admitted == 1 ? tr("1 patient admitted") : tr("%1 patients admitted").arg(admitted);
    if (const std::size_t dropped = m_state->board().evictedOpen())
        census += tr(" · %1 old open results dropped: board full").arg(dropped);
    m_census->setText(census);
    m_clockLabel->setText(clockText(now));
    m_source->setText(m_options.source);

    const FeedHealth health = m_state->health(now);
    if (!health.up) {
        m_banner->setText(tr("FEED DOWN since %1 — alerts may be missing\n%2")
                              .arg(clockText(health.downSinceMs.value_or(now)), QString::fromStdString(health.reason)));
    }
    m_banner->setVisible(!health.up);
    // A wrapped label in a box layout is not asked its height for the width it gets: say it.
    if (!health.up)
        m_banner->setMinimumHeight(m_banner->heightForWidth(qMax(1, width())));

    m_board->setRows(m_state->rows(m_options.unit, now));
    m_board->setNow(now);
    // An empty board must mean "no open alerts", never "no data yet".
    const qint64 last = m_state->lastUpdateMs();
    const QString lastUpdate =
        tr("Last update %1").arg(QDateTime::fromMSecsSinceEpoch(std::max<qint64>(last, health.lastHeardMs))
                                     .toString(QStringLiteral("HH:mm:ss")));
    if (!m_state->isCurrent())
        m_board->setEmptyText(tr("Reading current alerts…"), tr("The board fills in when every alert has been read"));
    else if (!health.up)
        m_board->setEmptyText(tr("No critical results received"), lastUpdate);
    else
        m_board->setEmptyText(tr("No open critical results"), lastUpdate);
}

bool WallWindow::isBannerShown() const { return !m_banner->isHidden(); }

QString WallWindow::bannerText() const { return m_banner->text(); }

void WallWindow::setMuted(bool muted)
{
    m_muted = muted;
    m_sound->setText(muted ? tr("SOUND OFF") : tr("Sound on"));
    m_sound->setStyleSheet(muted ? QStringLiteral("background: %1; color: white;").arg(WallTheme::banner().name())
                                 : QString());
}

void WallWindow::announce(const std::vector<std::string> &alertIds)
{
    std::vector<std::string> ours; // only this unit's alerts chime here
    for (const std::string &id : alertIds) {
        const Alert *alert = m_state->board().find(id);
        if (alert && m_state->board().unitOf(*alert, m_state->census()) == m_options.unit)
            ours.push_back(id);
    }
    if (ours.empty())
        return;
    m_board->highlight(ours, m_clock() + HighlightMs);
    if (m_muted)
        return;
    QApplication::beep();
    Q_EMIT chimed();
}

void WallWindow::openAction(const QString &alertId, AlertAction::Kind kind)
{
    const auto &rows = m_board->rows();
    const auto row = std::find_if(rows.begin(), rows.end(),
                                  [&](const BoardRow &r) { return r.alert.alertId == alertId.toStdString(); });
    if (row == rows.end())
        return;
    m_pending = AlertAction{kind, alertId.toStdString(), {}, false};
    const QString what = tr("%1 %2 for %3, bed %4")
                             .arg(QString::fromStdString(row->analyte), QString::fromStdString(row->valueText),
                                  QString::fromStdString(row->patient),
                                  QString::fromStdString(row->bed.empty() ? row->room : row->bed));
    const bool acknowledge = kind == AlertAction::Kind::Acknowledge;
    m_actionTitle->setText((acknowledge ? tr("Acknowledge %1") : tr("Resolve %1")).arg(what));
    m_confirm->setText(acknowledge ? tr("Acknowledge") : tr("Resolve"));
    m_readBack->setText(tr("I have read back the value: %1").arg(QString::fromStdString(row->valueText)));
    m_readBack->setChecked(false);
    m_readBack->setVisible(acknowledge);
    m_actionStatus->clear();
    m_actionPanel->show();
    m_actionBy->setFocus();
    updateConfirmable();
}

void WallWindow::updateConfirmable()
{
    const bool named = !m_actionBy->text().trimmed().isEmpty();
    const bool readBack = m_pending.kind != AlertAction::Kind::Acknowledge || m_readBack->isChecked();
    m_confirm->setEnabled(named && readBack);
}

void WallWindow::confirmAction()
{
    if (!m_confirm->isEnabled())
        return;
    m_pending.by = m_actionBy->text().trimmed().toStdString();
    m_pending.readBack = m_pending.kind == AlertAction::Kind::Acknowledge && m_readBack->isChecked();
    m_confirm->setEnabled(false);
    m_actionStatus->setText(tr("Sending…"));
    Q_EMIT actionRequested(m_pending);
}

void WallWindow::actionAnswered(const QString &alertId, bool ok, const QString &error)
{
    if (m_actionPanel->isHidden() || alertId.toStdString() != m_pending.alertId)
        return;
    if (ok) {
        closeAction();
        return;
    }
    m_actionStatus->setText(tr("Not saved: %1. Try again.").arg(error));
    updateConfirmable();
}

void WallWindow::closeAction()
{
    m_actionPanel->hide();
    m_actionBy->clear();
    m_pending = {};
}

void WallWindow::noteActivity()
{
    if (!m_cursorIdle)
        return;
    unsetCursor();
    m_cursorIdle->start();
}

bool WallWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseMove || event->type() == QEvent::MouseButtonPress
        || event->type() == QEvent::TouchBegin)
        noteActivity();
    return QWidget::eventFilter(watched, event);
}

void WallWindow::keyPressEvent(QKeyEvent *event)
{
    // Leaving kiosk mode is deliberate: Ctrl+Shift+Q asks first, Escape never leaves.
    if (event->key() == Qt::Key_Q && event->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier)) {
        m_leavePanel->show();
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        closeAction();
        m_leavePanel->hide();
        return;
    }
    QWidget::keyPressEvent(event);
}
