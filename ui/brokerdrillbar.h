#pragma once

#include <QList>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPushButton;

// A failure drill for the cluster Vigil runs itself: "Stop broker 2" / "Start broker 2", one
// button per node. While a request runs every button waits; the answer is showNodes().
class BrokerDrillBar final : public QWidget {
    Q_OBJECT
public:
    explicit BrokerDrillBar(QWidget *parent = nullptr);

    QPushButton *button(int id) const;

public Q_SLOTS:
    void showNodes(const QList<int> &running, int total);

Q_SIGNALS:
    void stopRequested(int id);
    void startRequested(int id);

private:
    QLabel *m_state;
    QHBoxLayout *m_buttons;
    QList<QPushButton *> m_nodes;
    QList<int> m_running;

    void request(int id);
};
