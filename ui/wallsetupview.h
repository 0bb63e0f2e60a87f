#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;
class UnitOverviewModel;

// The Dashboard's charge-nurse overview: per unit, patients admitted, open and acknowledged critical
// results, and the oldest unacknowledged wait.
class UnitOverviewView final : public QWidget {
    Q_OBJECT
public:
    explicit UnitOverviewView(UnitOverviewModel *overview, QWidget *parent = nullptr);
};

// The console's "Wall displays" area: how to start a display elsewhere (the feed's address and
// token, or the cluster), and a display opened here.
class WallSetupView final : public QWidget {
    Q_OBJECT
public:
    WallSetupView(UnitOverviewModel *overview, QWidget *parent = nullptr);

    // The commands shown for displays on other machines; an empty feed says why there is none.
    void setFeed(const QString &feedUrl, const QString &token, const QString &feedProblem);
    void setBootstrap(const QString &bootstrapServers);
    // A section of its own below the commands (the displays with their own tokens).
    void addSection(QWidget *section);

Q_SIGNALS:
    void openRequested(const QString &unit);

private:
    void updateCommands();
    void updateUnits();

    UnitOverviewModel *m_overview;
    QComboBox *m_unit;
    QLabel *m_commands;
    QString m_feedUrl, m_token, m_feedProblem, m_bootstrap;
};
