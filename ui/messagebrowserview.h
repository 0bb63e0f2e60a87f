#pragma once

#include "audit/audittrail.h"
#include "cluster/clustersnapshot.h"

#include <QWidget>

class MessagesModel;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

// Browse a topic's records a page at a time, filter them by key and text, read one in detail
// (pretty JSON, headers, hex when not UTF-8), load a truncated value in full, produce a message and
// re-publish one. Patient identifiers stay masked until revealed, and revealing is audited.
// Asks the MessageBrowser worker through its signals and shows what comes back through its slots;
// stale answers (an older request id) are ignored.
class MessageBrowserView final : public QWidget {
    Q_OBJECT
public:
    // Reveals, produced and re-published messages are appended to `audit` first; one it cannot take is not done.
    explicit MessageBrowserView(AuditTrail audit = AuditTrail(), QWidget *parent = nullptr);

    MessagesModel *messagesModel() const { return m_messages; }
    QString detailText() const;
    QString filterStatus() const;
    QString produceStatus() const;
    bool filtering() const { return m_filterId != 0; }

public Q_SLOTS:
    // Fills the topic choices (internal topics left out).
    void showSnapshot(const ClusterSnapshot &snapshot);
    void setTopic(const QString &topic);
    void showPage(const BrowsePage &page);
    void showFilterProgress(const FilterProgress &progress);
    void showFullValue(const QString &topic, int partition, qint64 offset, const QByteArray &value);
    void showProduced(const ProduceResult &result);
    void selectRow(int row);
    void setRevealed(bool revealed);

Q_SIGNALS:
    void browseRequested(quint64 requestId, const BrowseRequest &request);
    void pageForwardRequested(quint64 requestId);
    void pageBackwardRequested(quint64 requestId);
    void filterRequested(quint64 requestId, const FilterRequest &request);
    void filterCancelRequested(quint64 requestId);
    void fullValueRequested(const QString &topic, int partition, qint64 offset);
    void produceRequested(const ProduceRequest &request);
    void republishRequested(const BrowsedMessage &message, const QString &targetTopic);

private:
    bool audited(const AuditAction &action); // false, said in the produce status, when it could not be
    QWidget *buildBrowseBar();
    QWidget *buildFilterBar();
    QWidget *buildProducePane();
    QList<int> chosenPartitions(bool *ok) const;
    void browse();
    void startFilter();
    void produce();
    void republish();
    void showDetail();
    void setBusy(const QString &status);
    // The detail text with patient identifiers masked unless revealed.
    QString masked(const BrowsedMessage &m, QString text) const;

    MessagesModel *m_messages;
    AuditTrail m_audit;
    QComboBox *m_topic;
    QLineEdit *m_partitions;
    QComboBox *m_start;
    QLineEdit *m_position;
    QDateTimeEdit *m_timestamp;
    QSpinBox *m_pageSize;
    QPushButton *m_back;
    QPushButton *m_forward;
    QLineEdit *m_keyFilter;
    QLineEdit *m_textFilter;
    QPushButton *m_filter;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_filterStatus;
    QCheckBox *m_reveal;
    QTableView *m_table;
    QPlainTextEdit *m_detail;
    QPushButton *m_loadFull;
    QComboBox *m_produceTopic;
    QLineEdit *m_produceKey;
    QPlainTextEdit *m_produceHeaders;
    QPlainTextEdit *m_produceValue;
    QLabel *m_produceStatus;
    QComboBox *m_republishTopic;
    QLabel *m_status;
    quint64 m_nextId = 1;
    quint64 m_pageId = 0;
    quint64 m_filterId = 0;
};
