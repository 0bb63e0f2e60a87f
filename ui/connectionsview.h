#pragma once

#include "audit/audittrail.h"
#include "profiles/connectionprofile.h"

#include <QWidget>

#include <functional>

class Keychain;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

// The console's "Connections" area: the saved connection profiles, an editor for one (properties,
// schema registry, wall feed), import from a client.properties file, and "Test connection", which
// Save runs first: a profile that does not connect is not saved. Secrets show as *** and go to the
// OS keychain; where none runs, the profile is saved without them and the view says so. Saving and
// removing are audited first.
class ConnectionsView final : public QWidget {
    Q_OBJECT
public:
    using Properties = QList<QPair<QString, QString>>;
    // Asks the cluster with these properties (on another thread); `done` gets empty when it answered,
    // else why not, on the GUI thread.
    using Tester = std::function<void(const Properties &properties, std::function<void(const QString &error)> done)>;

    ConnectionsView(ProfileStore store, Keychain *keychain, Tester tester, AuditTrail audit = AuditTrail(),
                    QWidget *parent = nullptr);

    QString status() const;
    void importFile(const QString &path); // as the Import button does after its file dialog
    void testConnection();
    void save();

Q_SIGNALS:
    void saved(const QString &name);

private:
    void showProfile(const ConnectionProfile &profile);
    void refreshList(const QString &select = {});
    ConnectionProfile edited() const;
    void setStatus(const QString &text, bool problem);
    void setBusy(bool busy); // asking a cluster: no second test or save meanwhile

    ProfileStore m_store;
    Keychain *m_keychain;
    Tester m_tester;
    AuditTrail m_audit;
    Properties m_secrets; // the secret values typed or imported, by property; never shown
    QListWidget *m_list;
    QLineEdit *m_name;
    QTableWidget *m_properties;
    QLineEdit *m_registry;
    QLineEdit *m_wallFeed;
    QLineEdit *m_wallCa;
    QPushButton *m_test;
    QPushButton *m_save;
    QLabel *m_status;
    bool m_busy = false;
};
