#include "messagebrowserview.h"

#include "items/messagesmodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QStringDecoder>
#include <QTableView>
#include <QVBoxLayout>

namespace {

enum StartChoice { Beginning, EndMinusN, AtOffset, AtTimestamp };

// Offset, then 16 bytes in hex, then their printable ASCII.
QString hexDump(const QByteArray &bytes)
{
    QString out;
    for (qsizetype at = 0; at < bytes.size(); at += 16) {
        const QByteArray line = bytes.mid(at, 16);
        QString ascii;
        for (char c : line)
            ascii += c >= 0x20 && c < 0x7f ? QChar::fromLatin1(c) : u'.';
        out += QStringLiteral("%1  %2  %3\n")
                   .arg(at, 8, 16, QChar(u'0'))
                   .arg(QString::fromLatin1(line.toHex(' ')), -47)
                   .arg(ascii);
    }
    return out;
}

bool isUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    Q_UNUSED(text)
    return !decoder.hasError();
}

// "name: value" per line.
QList<KafkaHeader> parseHeaders(const QString &text, QString *error)
{
    QList<KafkaHeader> headers;
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0) {
            *error = QObject::tr("header line \"%1\" is not \"name: value\"").arg(line);
            return {};
        }
        headers.append({line.left(colon).trimmed().toUtf8(), line.mid(colon + 1).trimmed().toUtf8()});
    }
    return headers;
}
} // namespace

MessageBrowserView::MessageBrowserView(AuditTrail audit, QWidget *parent)
    : QWidget(parent), m_messages(new MessagesModel(5000, this)), m_audit(std::move(audit)), m_topic(new QComboBox(this)), m_partitions(new QLineEdit(this)),
      m_start(new QComboBox(this)), m_position(new QLineEdit(this)), m_timestamp(new QDateTimeEdit(this)), m_pageSize(new QSpinBox(this)),
      m_back(new QPushButton(tr("◀ Previous page"), this)), m_forward(new QPushButton(tr("Next page ▶"), this)),
      m_keyFilter(new QLineEdit(this)), m_textFilter(new QLineEdit(this)), m_filter(new QPushButton(tr("Find"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_progress(new QProgressBar(this)), m_filterStatus(new QLabel(this)),
      m_reveal(new QCheckBox(tr("Show patient identifiers"), this)), m_table(new QTableView(this)), m_detail(new QPlainTextEdit(this)),
      m_loadFull(new QPushButton(tr("Load full value"), this)), m_produceTopic(new QComboBox(this)), m_produceKey(new QLineEdit(this)),
      m_produceHeaders(new QPlainTextEdit(this)), m_produceValue(new QPlainTextEdit(this)), m_produceStatus(new QLabel(this)),
      m_republishTopic(new QComboBox(this)), m_status(new QLabel(this))
{
    m_table->setModel(m_messages);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // uniform rows stay cheap on big pages
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(MessagesModel::Partition, 70);
    m_table->setColumnWidth(MessagesModel::Offset, 80);
    m_table->setColumnWidth(MessagesModel::Timestamp, 170);
    m_table->setColumnWidth(MessagesModel::Size, 70);
    m_table->setColumnWidth(MessagesModel::Key, 95);
    m_table->setColumnWidth(MessagesModel::Headers, 90);
    m_table->setColumnWidth(MessagesModel::Patient, 95);
    m_detail->setReadOnly(true);
    m_detail->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_detail->setFont(QFont(QStringLiteral("monospace")));
    m_detail->setPlaceholderText(tr("Choose a message to see it in full"));
    m_loadFull->setObjectName(QStringLiteral("loadFull"));
    m_loadFull->setEnabled(false);
    m_reveal->setObjectName(QStringLiteral("reveal"));

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detail, 1);
    detailLayout->addWidget(m_loadFull);
    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(detail);
    right->addWidget(buildProducePane());
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({900, 560});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildBrowseBar());
    layout->addWidget(buildFilterBar());
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] { showDetail(); });
    connect(m_messages, &QAbstractItemModel::modelReset, this, [this] { showDetail(); });
    connect(m_reveal, &QCheckBox::toggled, this, &MessageBrowserView::setRevealed);
    connect(m_loadFull, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentIndex().row();
        if (row < 0)
            return;
        const KafkaRecord &r = m_messages->messageAt(row).record;
        m_loadFull->setEnabled(false);
        m_loadFull->setText(tr("Loading…"));
        Q_EMIT fullValueRequested(r.topic, r.partition, r.offset);
    });
}

QWidget *MessageBrowserView::buildBrowseBar()
{
    m_topic->setObjectName(QStringLiteral("topic"));
    m_topic->setEditable(true);
    m_topic->setMinimumWidth(240);
    m_topic->lineEdit()->setPlaceholderText(tr("Topic"));
    m_partitions->setObjectName(QStringLiteral("partitions"));
    m_partitions->setPlaceholderText(tr("all partitions, or 0,2,5"));
    m_partitions->setMaximumWidth(170);
    m_start->setObjectName(QStringLiteral("start"));
    m_start->addItems({tr("From the beginning"), tr("The last N"), tr("From offset"), tr("From time")});
    m_position->setObjectName(QStringLiteral("position"));
    m_position->setMaximumWidth(110);
    m_timestamp->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    m_timestamp->setDateTime(QDateTime::currentDateTime().addSecs(-3600));
    m_timestamp->setCalendarPopup(true);
    m_pageSize->setObjectName(QStringLiteral("pageSize"));
    m_pageSize->setRange(10, 5000);
    m_pageSize->setValue(200);
    m_pageSize->setPrefix(tr("page "));
    auto *go = new QPushButton(tr("Browse"), this);
    go->setObjectName(QStringLiteral("browse"));
    go->setDefault(true);
    m_back->setObjectName(QStringLiteral("back"));
    m_forward->setObjectName(QStringLiteral("forward"));
    m_back->setEnabled(false);
    m_forward->setEnabled(false);
    const auto updateStart = [this](int choice) {
        m_position->setVisible(choice == EndMinusN || choice == AtOffset);
        m_timestamp->setVisible(choice == AtTimestamp);
        m_position->setPlaceholderText(choice == EndMinusN ? tr("N") : tr("offset"));
    };
    updateStart(Beginning);

    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_topic, 2);
    row->addWidget(m_partitions, 1);
    row->addWidget(m_start);
    row->addWidget(m_position);
    row->addWidget(m_timestamp);
    row->addWidget(m_pageSize);
    row->addWidget(go);
    row->addWidget(m_back);
    row->addWidget(m_forward);
    connect(m_start, &QComboBox::currentIndexChanged, this, updateStart);
    connect(go, &QPushButton::clicked, this, &MessageBrowserView::browse);
    connect(m_back, &QPushButton::clicked, this, [this] {
        m_pageId = m_nextId++;
        setBusy(tr("Reading the previous page…"));
        Q_EMIT pageBackwardRequested(m_pageId);
    });
    connect(m_forward, &QPushButton::clicked, this, [this] {
        m_pageId = m_nextId++;
        setBusy(tr("Reading the next page…"));
        Q_EMIT pageForwardRequested(m_pageId);
    });
    return bar;
}

QWidget *MessageBrowserView::buildFilterBar()
{
    m_keyFilter->setObjectName(QStringLiteral("keyFilter"));
    m_keyFilter->setPlaceholderText(tr("Key (patient id), exact"));
    m_keyFilter->setClearButtonEnabled(true);
    m_textFilter->setObjectName(QStringLiteral("textFilter"));
    m_textFilter->setPlaceholderText(tr("Text in the value, any case"));
    m_textFilter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("find"));
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setMaximumWidth(200);
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_keyFilter, 1);
    row->addWidget(m_textFilter, 2);
    row->addWidget(m_filter);
    row->addWidget(m_cancel);
    row->addWidget(m_progress);
    row->addWidget(m_filterStatus, 1);
    row->addWidget(m_reveal);
    connect(m_filter, &QPushButton::clicked, this, &MessageBrowserView::startFilter);
    connect(m_textFilter, &QLineEdit::returnPressed, this, &MessageBrowserView::startFilter);
    connect(m_keyFilter, &QLineEdit::returnPressed, this, &MessageBrowserView::startFilter);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_filterStatus->setText(tr("Cancelling…"));
        Q_EMIT filterCancelRequested(m_filterId);
    });
    return bar;
}

QWidget *MessageBrowserView::buildProducePane()
{
    auto *box = new QGroupBox(tr("Produce"), this);
    m_produceTopic->setObjectName(QStringLiteral("produceTopic"));
    m_produceTopic->setEditable(true);
    m_produceKey->setObjectName(QStringLiteral("produceKey"));
    m_produceKey->setPlaceholderText(tr("key, e.g. a patient id"));
    m_produceHeaders->setObjectName(QStringLiteral("produceHeaders"));
    m_produceHeaders->setPlaceholderText(tr("one header a line, name: value"));
    m_produceHeaders->setMaximumHeight(60);
    m_produceValue->setObjectName(QStringLiteral("produceValue"));
    m_produceValue->setPlaceholderText(tr("JSON value"));
    m_produceValue->setFont(QFont(QStringLiteral("monospace")));
    m_produceStatus->setObjectName(QStringLiteral("produceStatus"));
    m_produceStatus->setWordWrap(true);
    m_republishTopic->setObjectName(QStringLiteral("republishTopic"));
    m_republishTopic->setEditable(true);
    auto *send = new QPushButton(tr("Send"), box);
    send->setObjectName(QStringLiteral("send"));
    auto *republish = new QPushButton(tr("Re-publish selected"), box);
    republish->setObjectName(QStringLiteral("republish"));
    auto *form = new QFormLayout(box);
    form->addRow(tr("Topic"), m_produceTopic);
    form->addRow(tr("Key"), m_produceKey);
    form->addRow(tr("Headers"), m_produceHeaders);
    form->addRow(tr("Value"), m_produceValue);
    form->addRow(QString(), send);
    auto *again = new QHBoxLayout;
    again->addWidget(m_republishTopic, 1);
    again->addWidget(republish);
    form->addRow(tr("Re-publish to"), again);
    form->addRow(m_produceStatus);
    connect(send, &QPushButton::clicked, this, &MessageBrowserView::produce);
    connect(republish, &QPushButton::clicked, this, &MessageBrowserView::republish);
    return box;
}

QString MessageBrowserView::detailText() const { return m_detail->toPlainText(); }
QString MessageBrowserView::filterStatus() const { return m_filterStatus->text(); }
QString MessageBrowserView::produceStatus() const { return m_produceStatus->text(); }

void MessageBrowserView::showSnapshot(const ClusterSnapshot &snapshot)
{
    QStringList names;
    for (const auto &t : snapshot.topics) {
        if (!t.internal)
            names << t.name;
    }
    names.sort();
    for (QComboBox *box : {m_topic, m_produceTopic, m_republishTopic}) {
        const QString current = box->currentText();
        QStringList shown;
        for (int i = 0; i < box->count(); ++i)
            shown << box->itemText(i);
        if (shown == names)
            continue;
        const QSignalBlocker block(box);
        box->clear();
        box->addItems(names);
        box->setCurrentText(current);
    }
}

void MessageBrowserView::setTopic(const QString &topic)
{
    m_topic->setCurrentText(topic);
    if (m_produceTopic->currentText().isEmpty())
        m_produceTopic->setCurrentText(topic);
}

QList<int> MessageBrowserView::chosenPartitions(bool *ok) const
{
    *ok = true;
    QList<int> partitions;
    const QStringList parts = m_partitions->text().split(u',', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const int p = part.trimmed().toInt(ok);
        if (!*ok || p < 0) {
            *ok = false;
            return {};
        }
        partitions << p;
    }
    return partitions;
}

void MessageBrowserView::browse()
{
    BrowseRequest request;
    request.topic = m_topic->currentText().trimmed();
    bool ok = false;
    request.partitions = chosenPartitions(&ok);
    if (request.topic.isEmpty() || !ok) {
        m_status->setText(request.topic.isEmpty() ? tr("Choose a topic") : tr("Partitions are numbers separated by commas"));
        return;
    }
    request.pageSize = m_pageSize->value();
    switch (m_start->currentIndex()) {
    case EndMinusN:
    case AtOffset:
        request.start = m_start->currentIndex() == EndMinusN ? BrowseRequest::Start::EndMinusN : BrowseRequest::Start::Offset;
        request.offset = m_position->text().trimmed().toLongLong(&ok);
        if (!ok || request.offset < 0) {
            m_status->setText(m_start->currentIndex() == EndMinusN ? tr("N must be a whole number") : tr("The offset must be a whole number"));
            return;
        }
        break;
    case AtTimestamp:
        request.start = BrowseRequest::Start::Timestamp;
        request.timestampMs = m_timestamp->dateTime().toMSecsSinceEpoch();
        break;
    default:
        request.start = BrowseRequest::Start::Beginning;
    }
    m_pageId = m_nextId++;
    setBusy(tr("Reading %1…").arg(request.topic));
    Q_EMIT browseRequested(m_pageId, request);
}

void MessageBrowserView::setBusy(const QString &status)
{
    m_back->setEnabled(false);
    m_forward->setEnabled(false);
    m_status->setText(status);
}

void MessageBrowserView::showPage(const BrowsePage &page)
{
    if (page.requestId != m_pageId)
        return;
    if (!page.error.isEmpty()) {
        m_status->setText(tr("Could not read the page: %1").arg(page.error));
        m_back->setEnabled(true);
        m_forward->setEnabled(true);
        return;
    }
    m_messages->setPage(page.messages);
    m_back->setEnabled(!page.atBeginning);
    m_forward->setEnabled(!page.atEnd);
    if (page.messages.isEmpty()) {
        m_status->setText(tr("No messages here"));
        return;
    }
    const KafkaRecord &first = page.messages.first().record;
    const KafkaRecord &last = page.messages.last().record;
    m_status->setText(tr("%1 messages of %2, %3 to %4%5%6")
                          .arg(page.messages.size())
                          .arg(first.topic, QDateTime::fromMSecsSinceEpoch(first.timestampMs).toString(Qt::ISODate),
                               QDateTime::fromMSecsSinceEpoch(last.timestampMs).toString(Qt::ISODate),
                               page.atBeginning ? tr(" · at the beginning") : QString(), page.atEnd ? tr(" · at the end") : QString()));
}

void MessageBrowserView::startFilter()
{
    FilterRequest request;
    request.topic = m_topic->currentText().trimmed();
    bool ok = false;
    request.partitions = chosenPartitions(&ok);
    request.key = m_keyFilter->text().trimmed();
    request.text = m_textFilter->text().trimmed();
    if (request.topic.isEmpty() || !ok || (request.key.isEmpty() && request.text.isEmpty())) {
        m_filterStatus->setText(request.topic.isEmpty() ? tr("Choose a topic") : !ok ? tr("Partitions are numbers separated by commas")
                                                                                     : tr("Give a key or some text"));
        return;
    }
    if (m_filterId != 0)
        Q_EMIT filterCancelRequested(m_filterId);
    m_filterId = m_nextId++;
    m_pageId = 0; // a page still on its way would replace the matches
    m_messages->clear();
    m_progress->setValue(0);
    m_cancel->setEnabled(true);
    m_filter->setEnabled(false);
    m_back->setEnabled(false);
    m_forward->setEnabled(false);
    m_filterStatus->setText(tr("Searching…"));
    m_status->setText(tr("Search results in %1").arg(request.topic));
    Q_EMIT filterRequested(m_filterId, request);
}

void MessageBrowserView::showFilterProgress(const FilterProgress &progress)
{
    if (progress.requestId != m_filterId || m_filterId == 0)
        return;
    m_messages->appendMatches(progress.matches);
    if (progress.totalMessages > 0)
        m_progress->setValue(int(qMin<qint64>(100, progress.scannedMessages * 100 / progress.totalMessages)));
    const QString matches = m_messages->droppedMatches() > 0
        ? tr("%1 matches shown (%2 more not shown)").arg(m_messages->rowCount()).arg(m_messages->droppedMatches())
        : tr("%1 matches").arg(m_messages->rowCount());
    const QString scanned = tr("%1 of %2 messages, %3 MB scanned")
                                .arg(progress.scannedMessages)
                                .arg(progress.totalMessages)
                                .arg(double(progress.scannedBytes) / (1024.0 * 1024.0), 0, 'f', 1);
    if (!progress.finished) {
        m_filterStatus->setText(tr("%1 · %2").arg(matches, scanned));
        return;
    }
    QString end = progress.cancelled ? tr("cancelled") : progress.byteCapReached ? tr("stopped at the byte cap") : tr("done");
    if (!progress.error.isEmpty())
        end = tr("failed: %1").arg(progress.error);
    if (!progress.cancelled && progress.error.isEmpty() && !progress.byteCapReached)
        m_progress->setValue(100);
    m_filterStatus->setText(tr("%1 · %2 · %3").arg(matches, scanned, end));
    m_filterId = 0;
    m_cancel->setEnabled(false);
    m_filter->setEnabled(true);
}

void MessageBrowserView::showFullValue(const QString &topic, int partition, qint64 offset, const QByteArray &value)
{
    m_messages->setFullValue(topic, partition, offset, value);
    m_loadFull->setText(tr("Load full value"));
    showDetail();
}

void MessageBrowserView::selectRow(int row)
{
    m_table->selectRow(row);
    showDetail();
}

void MessageBrowserView::setRevealed(bool revealed)
{
    if (revealed == m_messages->revealed())
        return;
    const QSignalBlocker block(m_reveal);
    if (revealed && !audited({QStringLiteral("reveal-patient-ids"), {{"area", "message browser"}, {"topic", m_topic->currentText().toStdString()}}, {}, {}})) {
        m_reveal->setChecked(false); // not audited: not revealed
        return;
    }
    m_reveal->setChecked(revealed);
    m_messages->setRevealed(revealed);
    showDetail();
}

bool MessageBrowserView::audited(const AuditAction &action)
{
    try {
        m_audit.append(action, QDateTime::currentMSecsSinceEpoch());
        return true;
    } catch (const std::exception &error) {
        m_produceStatus->setText(tr("Not done: %1").arg(QString::fromUtf8(error.what())));
        m_produceStatus->setStyleSheet(QStringLiteral("color: #b00020;"));
        return false;
    }
}

QString MessageBrowserView::masked(const BrowsedMessage &m, QString text) const
{
    if (m_messages->revealed())
        return text;
    for (const QString &id : {m.patientId, QString::fromUtf8(m.record.key)}) {
        if (id.size() >= 3)
            text.replace(id, m_messages->displayPatient(id));
    }
    return text;
}

void MessageBrowserView::showDetail()
{
    const int row = m_table->currentIndex().row();
    if (row < 0 || row >= m_messages->rowCount()) {
        m_detail->clear();
        m_loadFull->setEnabled(false);
        return;
    }
    const BrowsedMessage &m = m_messages->messageAt(row);
    const KafkaRecord &r = m.record;
    QString text = tr("%1 [%2] @ %3 · %4\nKey: %5\nSize: %6 bytes%7\n")
                       .arg(r.topic)
                       .arg(r.partition)
                       .arg(r.offset)
                       .arg(QDateTime::fromMSecsSinceEpoch(r.timestampMs).toString(Qt::ISODateWithMs),
                            m_messages->displayPatient(QString::fromUtf8(r.key)))
                       .arg(m.valueSize)
                       .arg(m.truncated ? tr(" (truncated to %1 bytes: load the full value to see it all)").arg(r.value.size()) : QString());
    if (!m.resourceType.isEmpty())
        text += tr("FHIR: %1 · patient %2 · %3\n").arg(m.resourceType, m_messages->displayPatient(m.patientId), m.summary);
    else if (!m.summary.isEmpty())
        text += tr("Summary: %1\n").arg(m.summary);
    text += tr("\nHeaders (%1)\n").arg(r.headers.size());
    for (const auto &h : r.headers)
        text += QStringLiteral("  %1: %2\n").arg(QString::fromUtf8(h.name), isUtf8(h.value) ? QString::fromUtf8(h.value) : QString::fromLatin1(h.value.toHex(' ')));
    text += tr("\nValue\n");
    if (!m.avroJson.isEmpty()) {
        text += tr("(Avro in the Confluent wire format, decoded with its schema)\n") + QString::fromUtf8(m.avroJson);
        m_detail->setPlainText(masked(m, text));
        m_loadFull->setEnabled(m.truncated);
        return;
    }
    QJsonParseError error{};
    const QJsonDocument json = m.truncated ? QJsonDocument() : QJsonDocument::fromJson(r.value, &error);
    if (!json.isNull())
        text += QString::fromUtf8(json.toJson(QJsonDocument::Indented));
    else if (isUtf8(r.value))
        text += QString::fromUtf8(r.value);
    else
        text += tr("(not UTF-8: raw bytes)\n") + hexDump(r.value);
    m_detail->setPlainText(masked(m, text));
    m_loadFull->setEnabled(m.truncated);
}

void MessageBrowserView::produce()
{
    ProduceRequest request;
    request.topic = m_produceTopic->currentText().trimmed();
    request.key = m_produceKey->text().toUtf8();
    QString error;
    request.headers = parseHeaders(m_produceHeaders->toPlainText(), &error);
    request.value = m_produceValue->toPlainText().toUtf8();
    QJsonParseError parse{};
    QJsonDocument::fromJson(request.value, &parse);
    if (request.topic.isEmpty())
        error = tr("Choose a topic to produce to");
    else if (error.isEmpty() && parse.error != QJsonParseError::NoError)
        error = tr("The value is not JSON: %1 at character %2").arg(parse.errorString()).arg(parse.offset);
    if (!error.isEmpty()) {
        m_produceStatus->setText(error);
        m_produceStatus->setStyleSheet(QStringLiteral("color: #b00020;"));
        return;
    }
    if (!audited({QStringLiteral("produce-message"),
                  {{"topic", request.topic.toStdString()}, {"partition", request.partition}, {"bytes", request.value.size()}},
                  {}, {}}))
        return;
    m_produceStatus->setText(tr("Sending to %1…").arg(request.topic));
    m_produceStatus->setStyleSheet(QString());
    Q_EMIT produceRequested(request);
}

void MessageBrowserView::republish()
{
    const int row = m_table->currentIndex().row();
    const QString target = m_republishTopic->currentText().trimmed();
    if (row < 0 || target.isEmpty()) {
        m_produceStatus->setText(row < 0 ? tr("Choose a message to re-publish") : tr("Choose a topic to re-publish to"));
        m_produceStatus->setStyleSheet(QStringLiteral("color: #b00020;"));
        return;
    }
    const BrowsedMessage &m = m_messages->messageAt(row);
    if (m.truncated) {
        m_produceStatus->setText(tr("Load the full value before re-publishing it"));
        m_produceStatus->setStyleSheet(QStringLiteral("color: #b00020;"));
        return;
    }
    if (!audited({QStringLiteral("republish-message"),
                  {{"from", QStringLiteral("%1[%2]@%3").arg(m.record.topic).arg(m.record.partition).arg(m.record.offset).toStdString()},
                   {"topic", target.toStdString()}},
                  {}, {}}))
        return;
    m_produceStatus->setText(tr("Re-publishing %1 [%2] @ %3 to %4…").arg(m.record.topic).arg(m.record.partition).arg(m.record.offset).arg(target));
    m_produceStatus->setStyleSheet(QString());
    Q_EMIT republishRequested(m, target);
}

void MessageBrowserView::showProduced(const ProduceResult &result)
{
    if (!result.error.isEmpty()) {
        m_produceStatus->setText(tr("Not sent to %1: %2").arg(result.topic, result.error));
        m_produceStatus->setStyleSheet(QStringLiteral("color: #b00020;"));
        return;
    }
    m_produceStatus->setText(tr("Sent to %1 [%2] @ %3").arg(result.topic).arg(result.partition).arg(result.offset));
    m_produceStatus->setStyleSheet(QStringLiteral("color: #2e9d4f;"));
}
