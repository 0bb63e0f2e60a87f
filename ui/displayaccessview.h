#pragma once

#include "wall/displaytokens.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableWidget;

// The Wall displays area's list of displays with a token of their own: who may connect, since when,
// who was revoked. Letting a display in shows its token once, with the command that starts it;
// revoking drops it at once (the console does both, audited, on the signals).
class DisplayAccessView final : public QWidget {
    Q_OBJECT
public:
    explicit DisplayAccessView(QWidget *parent = nullptr);

    void showDisplays(const QList<DisplayToken> &displays);
    // Shown until the next change: the only time the token is seen.
    void showNewToken(const QString &name, const QString &token, const QString &feedUrl);
    void setProblem(const QString &problem); // empty clears it

Q_SIGNALS:
    void letInRequested(const QString &name);
    void revokeRequested(const QString &name);

private:
    QTableWidget *m_table;
    QLineEdit *m_name;
    QLabel *m_token;
    QLabel *m_problem;
};
