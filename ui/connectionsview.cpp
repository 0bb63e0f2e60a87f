#include "connectionsview.h"

#include "base/secretmask.h"
#include "profiles/keychain.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

const QString Masked = QString::fromUtf16(SecretMask::Mask);

} // namespace

ConnectionsView::ConnectionsView(ProfileStore store, Keychain *keychain, Tester tester, AuditTrail audit, QWidget *parent)
    : QWidget(parent), m_store(std::move(store)), m_keychain(keychain), m_tester(std::move(tester)), m_audit(std::move(audit)),
      m_list(new QListWidget(this)), m_name(new QLineEdit(this)), m_properties(new QTableWidget(0, 2, this)),
      m_registry(new QLineEdit(this)), m_wallFeed(new QLineEdit(this)), m_wallCa(new QLineEdit(this)),
      m_test(new QPushButton(tr("Test connection"), this)), m_save(new QPushButton(tr("Test and save"), this)),
      m_status(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    auto *left = new QVBoxLayout;
    auto *title = new QLabel(tr("Connection profiles"), this);
    title->setStyleSheet(QStringLiteral("font-size: 13pt; font-weight: 600"));
    left->addWidget(title);
    m_list->setObjectName(QStringLiteral("profiles"));
    left->addWidget(m_list, 1);
    auto *add = new QPushButton(tr("New"), this);
    auto *import = new QPushButton(tr("Import client.properties…"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    for (auto *button : {add, import, remove})
        left->addWidget(button);
    layout->addLayout(left, 1);

    auto *right = new QVBoxLayout;
    auto *form = new QFormLayout;
    m_name->setObjectName(QStringLiteral("profileName"));
    form->addRow(tr("Name"), m_name);
    m_registry->setPlaceholderText(tr("https://registry:8081 (empty: the bundled schemas)"));
    form->addRow(tr("Schema registry"), m_registry);
    m_wallFeed->setPlaceholderText(tr("wss://console:8765 (for wall displays)"));
    form->addRow(tr("Wall feed"), m_wallFeed);
    m_wallCa->setPlaceholderText(tr("hospital CA for the wall feed (PEM)"));
    form->addRow(tr("Wall feed CA"), m_wallCa);
    right->addLayout(form);
    m_properties->setObjectName(QStringLiteral("profileProperties"));
    m_properties->setHorizontalHeaderLabels({tr("Client property"), tr("Value")});
    m_properties->horizontalHeader()->setStretchLastSection(true);
    m_properties->verticalHeader()->hide();
    right->addWidget(m_properties, 1);
    auto *rowButtons = new QHBoxLayout;
    auto *addRow = new QPushButton(tr("Add property"), this);
    rowButtons->addWidget(addRow);
    rowButtons->addStretch(1);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_save->setObjectName(QStringLiteral("saveProfile"));
    rowButtons->addWidget(m_test);
    rowButtons->addWidget(m_save);
    right->addLayout(rowButtons);
    m_status->setObjectName(QStringLiteral("profileStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    right->addWidget(m_status);
    layout->addLayout(right, 3);

    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString &name) {
        if (name.isEmpty())
            return;
        try {
            m_secrets.clear();
            showProfile(m_store.load(name));
            const QStringList held = m_store.keychainHeld(name);
            setStatus(held.isEmpty() ? tr("Start a console with it: vigil --profile %1").arg(name)
                                     : tr("%1 kept in the OS keychain. Start a console with it: vigil --profile %2")
                                           .arg(held.join(QStringLiteral(", ")), name),
                      false);
        } catch (const std::exception &error) {
            setStatus(QString::fromUtf8(error.what()), true);
        }
    });
    connect(add, &QPushButton::clicked, this, [this] {
        m_list->clearSelection();
        m_secrets.clear();
        ConnectionProfile fresh;
        fresh.set(QStringLiteral("bootstrap.servers"), QString());
        fresh.set(QStringLiteral("security.protocol"), QStringLiteral("SASL_SSL"));
        showProfile(fresh);
    });
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import client properties"), QString(),
                                                          tr("Properties (*.properties *.conf);;All files (*)"));
        if (!path.isEmpty())
            importFile(path);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QString name = m_list->currentItem() ? m_list->currentItem()->text() : QString();
        if (name.isEmpty())
            return;
        try {
            m_audit.append({QStringLiteral("profile-remove"), {{"profile", name.toStdString()}}, {}, {}},
                           QDateTime::currentMSecsSinceEpoch());
            const QStringList held = m_store.keychainHeld(name);
            m_store.remove(name);
            m_keychain->remove(name, held, [](const QString &) {});
            refreshList();
            setStatus(tr("Removed %1.").arg(name), false);
        } catch (const std::exception &error) {
            setStatus(tr("Not removed: %1").arg(QString::fromUtf8(error.what())), true);
        }
    });
    connect(addRow, &QPushButton::clicked, this, [this] {
        m_properties->insertRow(m_properties->rowCount());
        m_properties->setItem(m_properties->rowCount() - 1, 0, new QTableWidgetItem);
        m_properties->setItem(m_properties->rowCount() - 1, 1, new QTableWidgetItem);
    });
    // A secret typed into the table is taken out of it at once and shown masked.
    connect(m_properties, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (item->column() != 1 || !m_properties->item(item->row(), 0))
            return;
        const QString key = m_properties->item(item->row(), 0)->text().trimmed();
        if (!SecretMask::isSecretProperty(key) || item->text() == Masked || item->text().isEmpty())
            return;
        m_secrets.removeIf([&](const auto &secret) { return secret.first == key; });
        m_secrets.append({key, item->text()});
        const QSignalBlocker block(m_properties);
        item->setText(Masked);
    });
    connect(m_test, &QPushButton::clicked, this, &ConnectionsView::testConnection);
    connect(m_save, &QPushButton::clicked, this, &ConnectionsView::save);
    refreshList();
}

QString ConnectionsView::status() const
{
    return m_status->text();
}

void ConnectionsView::setStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #b00020; font-weight: bold;") : QString());
}

void ConnectionsView::setBusy(bool busy)
{
    m_busy = busy;
    m_test->setEnabled(!busy);
    m_save->setEnabled(!busy);
}

void ConnectionsView::refreshList(const QString &select)
{
    const QSignalBlocker block(m_list);
    m_list->clear();
    m_list->addItems(m_store.names());
    const auto found = m_list->findItems(select, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
}

void ConnectionsView::showProfile(const ConnectionProfile &profile)
{
    m_name->setText(profile.name);
    m_registry->setText(profile.schemaRegistry);
    m_wallFeed->setText(profile.wallFeed);
    m_wallCa->setText(profile.wallCaFile);
    const QSignalBlocker block(m_properties);
    m_properties->setRowCount(0);
    const QStringList held = profile.name.isEmpty() ? QStringList() : m_store.keychainHeld(profile.name);
    Properties rows = profile.properties;
    for (const QString &key : held) {
        if (!key.startsWith(QStringLiteral("vigil.schema")) && profile.value(key).isEmpty())
            rows.append({key, QString()});
    }
    for (const auto &[key, value] : rows) {
        const int row = m_properties->rowCount();
        m_properties->insertRow(row);
        m_properties->setItem(row, 0, new QTableWidgetItem(key));
        const bool secret = SecretMask::isSecretProperty(key);
        if (secret && !value.isEmpty())
            m_secrets.append({key, value});
        m_properties->setItem(row, 1, new QTableWidgetItem(secret ? (value.isEmpty() && !held.contains(key) ? QString() : Masked) : value));
    }
    m_properties->resizeColumnToContents(0);
}

ConnectionProfile ConnectionsView::edited() const
{
    ConnectionProfile profile;
    profile.name = m_name->text().trimmed();
    for (int row = 0; row < m_properties->rowCount(); ++row) {
        const QString key = m_properties->item(row, 0) ? m_properties->item(row, 0)->text().trimmed() : QString();
        const QString value = m_properties->item(row, 1) ? m_properties->item(row, 1)->text().trimmed() : QString();
        if (key.isEmpty() || value.isEmpty())
            continue;
        if (!SecretMask::isSecretProperty(key)) {
            profile.set(key, value);
            continue;
        }
        for (const auto &[secretKey, secret] : m_secrets) {
            if (secretKey == key)
                profile.set(key, secret);
        }
    }
    profile.schemaRegistry = m_registry->text().trimmed();
    profile.wallFeed = m_wallFeed->text().trimmed();
    profile.wallCaFile = m_wallCa->text().trimmed();
    return profile;
}

void ConnectionsView::importFile(const QString &path)
{
    try {
        QString name = QFileInfo(path).completeBaseName();
        name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("-"));
        m_list->clearSelection();
        m_secrets.clear();
        showProfile(ConnectionProfile::fromPropertiesFile(name, path));
        setStatus(tr("Imported %1: name it, then test and save.").arg(path), false);
    } catch (const std::exception &error) {
        setStatus(QString::fromUtf8(error.what()), true);
    }
}

void ConnectionsView::testConnection()
{
    if (m_busy)
        return;
    const ConnectionProfile profile = edited();
    if (profile.bootstrapServers().isEmpty()) {
        setStatus(tr("Give bootstrap.servers first."), true);
        return;
    }
    setBusy(true);
    setStatus(tr("Connecting to %1…").arg(profile.bootstrapServers()), false);
    m_tester(profile.clientProperties(), [this, self = QPointer(this), servers = profile.bootstrapServers()](const QString &error) {
        if (!self)
            return; // the window closed while the cluster was asked
        setBusy(false);
        setStatus(error.isEmpty() ? tr("Connected to %1.").arg(servers) : tr("Did not connect: %1").arg(error), !error.isEmpty());
    });
}

void ConnectionsView::save()
{
    if (m_busy)
        return;
    const ConnectionProfile profile = edited();
    try {
        ProfileStore::checkName(profile.name);
    } catch (const std::exception &error) {
        setStatus(QString::fromUtf8(error.what()), true);
        return;
    }
    if (profile.bootstrapServers().isEmpty()) {
        setStatus(tr("Give bootstrap.servers first."), true);
        return;
    }
    setBusy(true);
    setStatus(tr("Connecting to %1 before saving…").arg(profile.bootstrapServers()), false);
    m_tester(profile.clientProperties(), [this, self = QPointer(this), profile](const QString &error) {
        if (!self)
            return;
        setBusy(false);
        if (!error.isEmpty()) {
            setStatus(tr("Not saved, it did not connect: %1").arg(error), true);
            return;
        }
        Keychain::Secrets secrets;
        try {
            m_audit.append({QStringLiteral("profile-save"),
                            {{"profile", profile.name.toStdString()}, {"bootstrap", profile.bootstrapServers().toStdString()}},
                            {}, {}},
                           QDateTime::currentMSecsSinceEpoch());
            secrets = m_store.save(profile);
        } catch (const std::exception &failure) {
            setStatus(tr("Not saved: %1").arg(QString::fromUtf8(failure.what())), true);
            return;
        }
        refreshList(profile.name);
        Q_EMIT saved(profile.name);
        if (secrets.isEmpty()) {
            setStatus(tr("Saved %1. Start a console with it: vigil --profile %2").arg(m_store.pathOf(profile.name), profile.name), false);
            return;
        }
        m_keychain->write(profile.name, secrets, [this, self = QPointer(this), name = profile.name](const QString &keychainError) {
            if (!self)
                return;
            if (keychainError.isEmpty())
                setStatus(tr("Saved %1; its secrets are in the OS keychain. Start a console with it: vigil --profile %2")
                              .arg(m_store.pathOf(name), name),
                          false);
            else
                setStatus(tr("Saved %1 without its secrets: %2").arg(m_store.pathOf(name), keychainError), true);
        });
    });
}
