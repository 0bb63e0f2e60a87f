#include "replaypanel.h"
#include "base/text.h"

#include "items/thresholdrulesmodel.h"
#include "items/whatifmodels.h"
#include "clinical/thresholdset.h"
#include "base/topics.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace {

QString bytesText(qint64 bytes)
{
    if (bytes >= 1'000'000)
        return QObject::tr("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 1);
    if (bytes >= 1000)
        return QObject::tr("%1 kB").arg(double(bytes) / 1e3, 0, 'f', 1);
    return QObject::tr("%1 B").arg(bytes);
}

QString durationText(qint64 ms)
{
    if (ms < 0)
        return QObject::tr("unknown");
    const qint64 s = (ms + 999) / 1000;
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QString setName(const ThresholdSet &set)
{
    return QObject::tr("%1 v%2").arg(QString::fromStdString(set.name())).arg(set.version());
}

void clearChart(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

QLineSeries *verticalLine(double x, double top, const QColor &color, Qt::PenStyle style, const QString &name)
{
    auto *line = new QLineSeries;
    line->setName(name);
    line->append(x, 0);
    line->append(x, top);
    QPen pen(color);
    pen.setWidth(2);
    pen.setStyle(style);
    line->setPen(pen);
    return line;
}

} // namespace

// The thin adapter over Qt Charts (deprecated from Qt 6.10 in favour of Qt Graphs): the two charts the
// what-if shows, and nothing else of Qt Charts leaks out of this file.
class ReplayCharts final : public QWidget {
public:
    explicit ReplayCharts(QWidget *parent) : QWidget(parent), m_hours(new QChart), m_histogram(new QChart)
    {
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        m_histogram->legend()->hide(); // the title names the limits
        for (QChart *chart : {m_hours, m_histogram}) {
            chart->legend()->setAlignment(Qt::AlignBottom);
            chart->setMargins(QMargins(4, 4, 4, 4));
            auto *view = new QChartView(chart, this);
            view->setRenderHint(QPainter::Antialiasing);
            view->setMinimumHeight(180);
            layout->addWidget(view, 1);
        }
        m_hours->setTitle(tr("Critical alerts per hour"));
        m_histogram->setTitle(tr("Values"));
    }

    void showHours(const WhatIfComparison &comparison)
    {
        clearChart(m_hours);
        const auto &hours = comparison.alertsPerHour();
        auto *live = new QLineSeries;
        auto *candidate = new QLineSeries;
        live->setName(comparison.live() ? tr("live v%1").arg(comparison.live()->version()) : tr("live"));
        candidate->setName(comparison.candidate() ? tr("candidate v%1").arg(comparison.candidate()->version())
                                                  : tr("candidate"));
        qint64 top = 1;
        for (auto it = hours.begin(); it != hours.end(); ++it) {
            live->append(double(it.key()), double(it->live));
            candidate->append(double(it.key()), double(it->candidate));
            top = qMax(top, qMax(it->live, it->candidate));
        }
        QPen livePen(QColor(0x61, 0x61, 0x61));
        livePen.setWidth(2);
        live->setPen(livePen);
        QPen candidatePen(QColor(0x15, 0x65, 0xc0));
        candidatePen.setWidth(2);
        candidate->setPen(candidatePen);
        for (QLineSeries *series : {live, candidate}) {
            series->setPointsVisible(true);
            m_hours->addSeries(series);
        }
        auto *x = new QDateTimeAxis;
        x->setFormat(QStringLiteral("HH:mm"));
        x->setTickCount(6);
        const qint64 first = hours.isEmpty() ? QDateTime::currentMSecsSinceEpoch() : hours.firstKey();
        const qint64 last = hours.isEmpty() ? first : hours.lastKey();
        x->setRange(QDateTime::fromMSecsSinceEpoch(first - 1'800'000), QDateTime::fromMSecsSinceEpoch(last + 1'800'000));
        auto *y = new QValueAxis;
        y->setRange(0, double(top) * 1.15);
        y->setLabelFormat(QStringLiteral("%d"));
        m_hours->addAxis(x, Qt::AlignBottom);
        m_hours->addAxis(y, Qt::AlignLeft);
        for (QLineSeries *series : {live, candidate}) {
            series->attachAxis(x);
            series->attachAxis(y);
        }
    }

    void showHistogram(const WhatIfHistogram &histogram)
    {
        clearChart(m_histogram);
        auto limits = [](const std::optional<double> &low, const std::optional<double> &high) {
            return QStringLiteral("%1–%2").arg(low ? QString::number(*low) : QStringLiteral("·"),
                                              high ? QString::number(*high) : QStringLiteral("·"));
        };
        QString title = histogram.display.isEmpty()
                            ? tr("Values")
                            : tr("%1 (%2): live %3 dashed, candidate %4 blue")
                                  .arg(histogram.display, histogram.unit,
                                       limits(histogram.liveLow, histogram.liveHigh),
                                       limits(histogram.candidateLow, histogram.candidateHigh));
        if (histogram.below + histogram.above > 0)
            title += tr("; %1 below and %2 above the chart").arg(histogram.below).arg(histogram.above);
        m_histogram->setTitle(title);
        if (histogram.counts.isEmpty())
            return;
        auto *upper = new QLineSeries;
        qint64 top = 1;
        const double width = histogram.binWidth();
        for (qsizetype i = 0; i < histogram.counts.size(); ++i) {
            const double left = histogram.lower + width * double(i);
            upper->append(left, double(histogram.counts[i]));
            upper->append(left + width, double(histogram.counts[i]));
            top = qMax(top, histogram.counts[i]);
        }
        auto *area = new QAreaSeries(upper);
        area->setName(tr("results"));
        area->setBrush(QColor(0x90, 0xa4, 0xae));
        area->setPen(QPen(QColor(0x45, 0x5a, 0x64)));
        m_histogram->addSeries(area);
        const double lineTop = double(top) * 1.1;
        QList<QAbstractSeries *> lines;
        auto addLimit = [&](const std::optional<double> &limit, const QColor &color, Qt::PenStyle style,
                            const QString &name) {
            if (!limit)
                return;
            QLineSeries *line = verticalLine(*limit, lineTop, color, style, name.arg(*limit));
            m_histogram->addSeries(line);
            lines.append(line);
        };
        addLimit(histogram.liveLow, QColor(0x42, 0x42, 0x42), Qt::DashLine, tr("live low %1"));
        addLimit(histogram.liveHigh, QColor(0x42, 0x42, 0x42), Qt::DashLine, tr("live high %1"));
        addLimit(histogram.candidateLow, QColor(0x15, 0x65, 0xc0), Qt::SolidLine, tr("candidate low %1"));
        addLimit(histogram.candidateHigh, QColor(0x15, 0x65, 0xc0), Qt::SolidLine, tr("candidate high %1"));
        auto *x = new QValueAxis;
        x->setRange(histogram.lower, histogram.upper);
        x->setTitleText(histogram.unit);
        auto *y = new QValueAxis;
        y->setRange(0, double(top) * 1.15);
        y->setLabelFormat(QStringLiteral("%d"));
        m_histogram->addAxis(x, Qt::AlignBottom);
        m_histogram->addAxis(y, Qt::AlignLeft);
        area->attachAxis(x);
        area->attachAxis(y);
        for (QAbstractSeries *line : lines) {
            line->attachAxis(x);
            line->attachAxis(y);
        }
    }

private:
    QChart *m_hours;
    QChart *m_histogram;
};

ReplayPanel::ReplayPanel(ReplayControl *control, std::shared_ptr<const ThresholdSet> live, AuditTrail audit,
                         QWidget *parent)
    : QWidget(parent), m_control(control), m_live(std::move(live)), m_audit(std::move(audit)),
      m_candidate(new ThresholdRulesModel(this)), m_ruleResults(new WhatIfRulesModel(this)),
      m_changes(new WhatIfChangesModel(this))
{
    m_candidate->setApplied(m_live);

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("Replay"), this);
    title->setStyleSheet(QStringLiteral("font-size: 15pt; font-weight: 600"));
    layout->addWidget(title);

    auto *rangeRow = new QHBoxLayout;
    m_topics = new QLineEdit(Text::toQString(Topics::LabResults), this);
    m_topics->setObjectName(QStringLiteral("topics"));
    m_partitions = new QLineEdit(QStringLiteral("all"), this);
    m_partitions->setObjectName(QStringLiteral("partitions"));
    m_from = new QLineEdit(QStringLiteral("-24h"), this);
    m_from->setObjectName(QStringLiteral("from"));
    m_to = new QLineEdit(QStringLiteral("now"), this);
    m_to->setObjectName(QStringLiteral("to"));
    m_from->setToolTip(tr("beginning, an offset (1200), a time (2026-11-27 10:00, 2026-11-27T10:00:00Z) or back from "
                          "now (-24h, -30m, -7d)"));
    m_to->setToolTip(tr("now (the end offsets when the replay starts), an offset or a time"));
    m_partitions->setToolTip(tr("all, or partitions such as 0,2,5-7"));
    rangeRow->addWidget(new QLabel(tr("Topics"), this));
    rangeRow->addWidget(m_topics, 3);
    rangeRow->addWidget(new QLabel(tr("Partitions"), this));
    rangeRow->addWidget(m_partitions, 1);
    rangeRow->addWidget(new QLabel(tr("From"), this));
    rangeRow->addWidget(m_from, 2);
    rangeRow->addWidget(new QLabel(tr("To"), this));
    rangeRow->addWidget(m_to, 2);
    layout->addLayout(rangeRow);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildWhatIfTab(), tr("What-if thresholds"));
    m_tabs->addTab(buildRepublishTab(), tr("Re-publish"));
    m_tabs->addTab(buildExportTab(), tr("Export"));
    layout->addWidget(m_tabs, 1);

    auto *progressRow = new QHBoxLayout;
    m_progressBar = new QProgressBar(this);
    m_progressBar->setRange(0, 1000);
    m_progressBar->setValue(0);
    m_progressBar->setMaximumWidth(260);
    m_status = new QLabel(tr("Choose a range. The replay reads with its own consumer: it joins no group and "
                             "commits nothing."),
                          this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_cancel = new QPushButton(tr("Cancel replay"), this);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    progressRow->addWidget(m_progressBar);
    progressRow->addWidget(m_status, 1);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);

    connect(m_cancel, &QPushButton::clicked, this, &ReplayPanel::cancel);
    connect(m_control, &ReplayControl::progressed, this, &ReplayPanel::showProgress);
    connect(m_control, &ReplayControl::comparisonUpdated, this, &ReplayPanel::showComparison);
    connect(m_control, &ReplayControl::finished, this, &ReplayPanel::showResult);
    for (QLineEdit *edit : {m_topics, m_partitions, m_from, m_to})
        connect(edit, &QLineEdit::textEdited, this, &ReplayPanel::hideConfirmation);
    updateState();
}

ReplayPanel::~ReplayPanel() = default;

QWidget *ReplayPanel::buildWhatIfTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    m_liveLabel = new QLabel(tab);
    m_liveLabel->setObjectName(QStringLiteral("liveSet"));
    layout->addWidget(m_liveLabel);

    auto *vertical = new QSplitter(Qt::Vertical, tab);
    auto *top = new QSplitter(Qt::Horizontal, vertical);

    auto *candidateBox = new QGroupBox(tr("Candidate set (edit the limits, or load a file)"), top);
    auto *candidateLayout = new QVBoxLayout(candidateBox);
    m_candidateTable = new QTableView(candidateBox);
    m_candidateTable->setObjectName(QStringLiteral("candidateTable"));
    m_candidateTable->setModel(m_candidate);
    for (int column = ThresholdRulesModel::Normal; column < ThresholdRulesModel::ColumnCount; ++column)
        m_candidateTable->setColumnHidden(column, true); // last hour's counts belong to the threshold editor
    m_candidateTable->setColumnHidden(ThresholdRulesModel::Codes, true);
    m_candidateTable->verticalHeader()->hide();
    m_candidateTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_candidateTable->horizontalHeader()->setStretchLastSection(true);
    candidateLayout->addWidget(m_candidateTable, 1);
    m_candidateProblems = new QLabel(candidateBox);
    m_candidateProblems->setStyleSheet(QStringLiteral("color: #b71c1c"));
    m_candidateProblems->setWordWrap(true);
    candidateLayout->addWidget(m_candidateProblems);
    auto *candidateButtons = new QHBoxLayout;
    auto *load = new QPushButton(tr("Load file…"), candidateBox);
    auto *reset = new QPushButton(tr("Reset to live"), candidateBox);
    m_runWhatIf = new QPushButton(tr("Run what-if"), candidateBox);
    m_runWhatIf->setObjectName(QStringLiteral("runWhatIf"));
    m_runWhatIf->setDefault(true);
    candidateButtons->addWidget(load);
    candidateButtons->addWidget(reset);
    candidateButtons->addStretch();
    candidateButtons->addWidget(m_runWhatIf);
    candidateLayout->addLayout(candidateButtons);

    auto *resultsBox = new QGroupBox(tr("Per rule, over the range"), top);
    auto *resultsLayout = new QVBoxLayout(resultsBox);
    m_summary = new QLabel(tr("Run the what-if to compare the sets on history."), resultsBox);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    resultsLayout->addWidget(m_summary);
    m_resultsTable = new QTableView(resultsBox);
    m_resultsTable->setObjectName(QStringLiteral("ruleResults"));
    m_resultsTable->setModel(m_ruleResults);
    m_resultsTable->verticalHeader()->hide();
    m_resultsTable->setColumnHidden(WhatIfRulesModel::Codes, true);
    m_resultsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    resultsLayout->addWidget(m_resultsTable, 1);
    top->addWidget(candidateBox);
    top->addWidget(resultsBox);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 3);
    top->setSizes({560, 940});

    auto *bottom = new QSplitter(Qt::Horizontal, vertical);
    auto *changesBox = new QGroupBox(tr("Alerts that appear or vanish"), bottom);
    auto *changesLayout = new QVBoxLayout(changesBox);
    m_changesTable = new QTableView(changesBox);
    m_changesTable->setObjectName(QStringLiteral("changedAlerts"));
    m_changesTable->setModel(m_changes);
    m_changesTable->verticalHeader()->hide();
    m_changesTable->verticalHeader()->setDefaultSectionSize(22);
    m_changesTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_changesTable->horizontalHeader()->setStretchLastSection(true);
    changesLayout->addWidget(m_changesTable, 1);
    m_leftOut = new QLabel(changesBox);
    m_leftOut->setObjectName(QStringLiteral("leftOut"));
    changesLayout->addWidget(m_leftOut);

    auto *chartsBox = new QGroupBox(tr("Live (grey, dashed) against candidate (blue)"), bottom);
    auto *chartsLayout = new QVBoxLayout(chartsBox);
    auto *analyteRow = new QHBoxLayout;
    m_analyte = new QComboBox(chartsBox);
    m_analyte->setObjectName(QStringLiteral("analyte"));
    analyteRow->addWidget(new QLabel(tr("Histogram of"), chartsBox));
    analyteRow->addWidget(m_analyte, 1);
    chartsLayout->addLayout(analyteRow);
    m_charts = new ReplayCharts(chartsBox);
    chartsLayout->addWidget(m_charts, 1);
    bottom->addWidget(changesBox);
    bottom->addWidget(chartsBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    vertical->addWidget(top);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 2);
    vertical->setStretchFactor(1, 3);
    layout->addWidget(vertical, 1);

    auto *applyRow = new QHBoxLayout;
    m_exportComparison = new QPushButton(tr("Export comparison CSV…"), tab);
    m_who = new QLineEdit(tab);
    m_who->setPlaceholderText(tr("Your name"));
    m_who->setObjectName(QStringLiteral("who"));
    m_reason = new QLineEdit(tab);
    m_reason->setPlaceholderText(tr("Reason for the change (recorded in the audit log)"));
    m_reason->setObjectName(QStringLiteral("reason"));
    m_apply = new QPushButton(tr("Apply candidate to the live evaluator"), tab);
    m_apply->setObjectName(QStringLiteral("apply"));
    applyRow->addWidget(m_exportComparison);
    applyRow->addSpacing(16);
    applyRow->addWidget(m_who, 1);
    applyRow->addWidget(m_reason, 3);
    applyRow->addWidget(m_apply);
    layout->addLayout(applyRow);

    connect(load, &QPushButton::clicked, this, &ReplayPanel::loadCandidate);
    connect(reset, &QPushButton::clicked, this, [this] { m_candidate->setApplied(m_live); });
    connect(m_runWhatIf, &QPushButton::clicked, this, [this] {
        if (const QString error = runWhatIf(); !error.isEmpty())
            m_status->setText(error);
    });
    connect(m_analyte, &QComboBox::currentIndexChanged, this, [this](int index) { showHistogramOf(index); });
    connect(m_exportComparison, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export comparison"), {}, tr("CSV (*.csv)"));
        if (!path.isEmpty())
            m_status->setText(exportComparison(path));
    });
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (const QString error = applyCandidate(m_who->text(), m_reason->text()); !error.isEmpty())
            m_candidateProblems->setText(error);
    });
    connect(m_candidate, &ThresholdRulesModel::validityChanged, this, &ReplayPanel::updateState);
    connect(m_candidate, &QAbstractItemModel::dataChanged, this, &ReplayPanel::updateState);
    connect(m_who, &QLineEdit::textChanged, this, &ReplayPanel::updateState);
    connect(m_reason, &QLineEdit::textChanged, this, &ReplayPanel::updateState);
    return tab;
}

QWidget *ReplayPanel::buildRepublishTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *form = new QFormLayout;
    m_presetBox = new QComboBox(tab);
    m_presetBox->setObjectName(QStringLiteral("preset"));
    m_presetBox->addItem(tr("Copy the range to a topic"));
    m_presetBox->addItem(tr("Dead-letter redrive: healthcare.dlq back to each record's original topic"));
    m_target = new QLineEdit(tab);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setPlaceholderText(tr("target topic"));
    m_rate = new QDoubleSpinBox(tab);
    m_rate->setObjectName(QStringLiteral("rate"));
    m_rate->setRange(0, 1'000'000);
    m_rate->setDecimals(0);
    m_rate->setSingleStep(100);
    m_rate->setSpecialValueText(tr("no limit"));
    m_rate->setSuffix(tr(" records/s"));
    form->addRow(tr("Preset"), m_presetBox);
    form->addRow(tr("Target"), m_target);
    form->addRow(tr("Rate limit"), m_rate);
    layout->addLayout(form);
    auto *explain = new QLabel(tr("Records are copied with their keys, timestamps and headers, plus a "
                                  "<code>vigil-replay</code> header naming the replay and "
                                  "<code>vigil-replay-origin</code> naming the record copied, in transactions: "
                                  "readers with read_committed see each slice whole or not at all. A dry run "
                                  "counts first; nothing is written before you confirm the target. The redrive "
                                  "takes off the vigil.source.* and vigil.dlq.* headers the evaluator added."),
                               tab);
    explain->setWordWrap(true);
    layout->addWidget(explain);
    auto *countRow = new QHBoxLayout;
    m_count = new QPushButton(tr("Count (dry run)"), tab);
    m_count->setObjectName(QStringLiteral("count"));
    countRow->addWidget(m_count);
    countRow->addStretch();
    layout->addLayout(countRow);

    m_confirmation = new QFrame(tab);
    m_confirmation->setObjectName(QStringLiteral("confirmation"));
    m_confirmation->setFrameShape(QFrame::StyledPanel);
    m_confirmation->setStyleSheet(QStringLiteral("#confirmation { background: #fff8e1; border: 1px solid #f9a825; }"));
    auto *confirmLayout = new QVBoxLayout(m_confirmation);
    m_confirmText = new QLabel(m_confirmation);
    m_confirmText->setObjectName(QStringLiteral("confirmText"));
    m_confirmText->setWordWrap(true);
    m_confirm = new QPushButton(m_confirmation);
    m_confirm->setObjectName(QStringLiteral("confirm"));
    m_discard = new QPushButton(tr("Do not write"), m_confirmation);
    confirmLayout->addWidget(m_confirmText);
    auto *confirmButtons = new QHBoxLayout;
    confirmButtons->addStretch();
    confirmButtons->addWidget(m_discard);
    confirmButtons->addWidget(m_confirm);
    confirmLayout->addLayout(confirmButtons);
    m_confirmation->hide();
    layout->addWidget(m_confirmation);
    m_republishResult = new QLabel(tab);
    m_republishResult->setObjectName(QStringLiteral("republishResult"));
    m_republishResult->setWordWrap(true);
    m_republishResult->setStyleSheet(QStringLiteral("font-size: 12pt"));
    layout->addWidget(m_republishResult);
    layout->addStretch();

    connect(m_presetBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        setPreset(index == 1 ? Preset::DeadLetterRedrive : Preset::CopyRange);
    });
    connect(m_target, &QLineEdit::textEdited, this, &ReplayPanel::hideConfirmation);
    connect(m_count, &QPushButton::clicked, this, [this] {
        if (const QString error = countRepublish(); !error.isEmpty())
            m_status->setText(error);
    });
    connect(m_confirm, &QPushButton::clicked, this, [this] {
        if (const QString error = confirmRepublish(); !error.isEmpty())
            m_status->setText(error);
    });
    connect(m_discard, &QPushButton::clicked, this, &ReplayPanel::hideConfirmation);
    return tab;
}

QWidget *ReplayPanel::buildExportTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *form = new QFormLayout;
    m_format = new QComboBox(tab);
    m_format->addItem(tr("JSON Lines (.jsonl)"));
    m_format->addItem(tr("CSV (.csv)"));
    auto *pathRow = new QHBoxLayout;
    m_exportPath = new QLineEdit(tab);
    m_exportPath->setObjectName(QStringLiteral("exportPath"));
    auto *choose = new QPushButton(tr("Choose…"), tab);
    pathRow->addWidget(m_exportPath, 1);
    pathRow->addWidget(choose);
    m_patientIds = new QCheckBox(tr("Include patient identifiers (otherwise masked)"), tab);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("File"), pathRow);
    form->addRow(QString(), m_patientIds);
    layout->addLayout(form);
    auto *explain = new QLabel(tr("One row per record: topic, partition, offset, time, key, and the FHIR summary "
                                  "fields (resource type and id, status, LOINC, analyte, value, unit, effective, "
                                  "issued, summary). Read with read_committed in micro-batches; nothing committed. "
                                  "The file appears when the export completes."),
                               tab);
    explain->setWordWrap(true);
    layout->addWidget(explain);
    auto *row = new QHBoxLayout;
    m_export = new QPushButton(tr("Export range"), tab);
    m_export->setObjectName(QStringLiteral("export"));
    row->addWidget(m_export);
    row->addStretch();
    layout->addLayout(row);
    layout->addStretch();

    connect(choose, &QPushButton::clicked, this, [this] {
        const bool csv = m_format->currentIndex() == 1;
        const QString path = QFileDialog::getSaveFileName(this, tr("Export range"), m_exportPath->text(),
                                                          csv ? tr("CSV (*.csv)") : tr("JSON Lines (*.jsonl)"));
        if (!path.isEmpty())
            m_exportPath->setText(path);
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (const QString error = runExport(); !error.isEmpty())
            m_status->setText(error);
    });
    return tab;
}

void ReplayPanel::setRange(const QString &topics, const QString &partitions, const QString &from, const QString &to)
{
    m_topics->setText(topics);
    m_partitions->setText(partitions);
    m_from->setText(from);
    m_to->setText(to);
    hideConfirmation();
}

void ReplayPanel::setPreset(Preset preset)
{
    m_preset = preset;
    const bool redrive = preset == Preset::DeadLetterRedrive;
    if (m_presetBox->currentIndex() != int(redrive))
        m_presetBox->setCurrentIndex(int(redrive));
    m_target->setEnabled(!redrive);
    if (redrive) {
        m_topics->setText(Text::toQString(Topics::DeadLetters));
        m_partitions->setText(QStringLiteral("all"));
        m_from->setText(QStringLiteral("beginning"));
        m_to->setText(QStringLiteral("now"));
        m_target->clear();
        m_target->setPlaceholderText(tr("each record's original topic (its vigil.source.topic header)"));
    } else {
        m_target->setPlaceholderText(tr("target topic"));
    }
    hideConfirmation();
}

void ReplayPanel::setTarget(const QString &topic)
{
    m_target->setText(topic);
    hideConfirmation();
}

void ReplayPanel::setExport(const QString &path, ExportFormat format)
{
    m_exportPath->setText(path);
    m_format->setCurrentIndex(format == ExportFormat::Csv ? 1 : 0);
}

void ReplayPanel::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

std::optional<ReplayRange> ReplayPanel::range(QString *error) const
{
    ReplayRange range;
    range.topics = ReplayRange::parseTopics(m_topics->text());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto partitions = ReplayRange::parsePartitions(m_partitions->text(), error);
    const auto from = ReplayBound::parse(m_from->text(), now, error);
    const auto to = ReplayBound::parse(m_to->text(), now, error);
    if (!partitions || !from || !to)
        return std::nullopt;
    range.partitions = *partitions;
    range.from = *from;
    range.to = *to;
    if (const QString problem = range.validate(); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return range;
}

QString ReplayPanel::startReplay(ReplayRequest request)
{
    if (m_control->isRunning())
        return tr("A replay is running; cancel it first.");
    QString error;
    const auto parsed = range(&error);
    if (!parsed)
        return error;
    request.range = *parsed;
    m_progressBar->setValue(0);
    m_status->setText(tr("Starting: %1…").arg(request.range.describe()));
    m_started = request;
    m_control->start(request);
    updateState();
    return {};
}

QString ReplayPanel::runWhatIf()
{
    std::shared_ptr<const ThresholdSet> candidate;
    try {
        candidate = m_candidate->candidate();
    } catch (const std::exception &error) {
        return tr("The candidate set has problems: %1").arg(QString::fromUtf8(error.what()));
    }
    ReplayRequest request;
    request.mode = ReplayMode::WhatIf;
    request.live = m_live;
    request.candidate = candidate;
    m_changes->clear();
    return startReplay(request);
}

QString ReplayPanel::countRepublish()
{
    ReplayRequest request;
    request.mode = m_preset == Preset::DeadLetterRedrive ? ReplayMode::Redrive : ReplayMode::Republish;
    request.dryRun = true;
    if (request.mode == ReplayMode::Republish) {
        request.targetTopic = m_target->text().trimmed();
        if (request.targetTopic.isEmpty())
            return tr("Name the target topic.");
        // The dry run counts only; writing into a source topic is confirmed twice afterwards.
        request.allowWriteToSource = true;
    }
    request.maxRecordsPerSecond = m_rate->value();
    hideConfirmation();
    return startReplay(request);
}

QString ReplayPanel::confirmRepublish()
{
    if (m_confirmationsNeeded <= 0 || !m_confirmation->isVisible())
        return tr("Count the records first (dry run).");
    if (--m_confirmationsNeeded > 0) {
        m_confirmText->setText(tr("<b>%1 is a source of this replay.</b> Writing into it again duplicates its "
                                  "records for every consumer. Confirm a second time to write %2 records into %1.")
                                   .arg(m_confirmed.targetTopic.toHtmlEscaped())
                                   .arg(m_lastResult.perTarget.value(m_confirmed.targetTopic)));
        m_confirm->setText(tr("Yes, write into the source topic %1").arg(m_confirmed.targetTopic));
        return {};
    }
    ReplayRequest request = m_confirmed;
    request.dryRun = false;
    request.allowWriteToSource = request.mode == ReplayMode::Republish && request.range.topics.contains(request.targetTopic);
    request.maxRecordsPerSecond = m_rate->value();
    m_confirmation->hide();
    m_confirmationsNeeded = 0;
    if (m_control->isRunning())
        return tr("A replay is running; cancel it first.");
    if (const QString refused = audited(request.mode == ReplayMode::Redrive ? QStringLiteral("replay-redrive")
                                                                            : QStringLiteral("replay-republish"),
                                        request);
        !refused.isEmpty())
        return refused;
    m_progressBar->setValue(0);
    m_status->setText(tr("Writing: %1…").arg(request.range.describe()));
    m_control->start(request); // the very range the dry run counted
    updateState();
    return {};
}

QString ReplayPanel::runExport()
{
    ReplayRequest request;
    request.mode = ReplayMode::Export;
    request.exportPath = m_exportPath->text().trimmed();
    if (request.exportPath.isEmpty())
        return tr("Choose a file to export to.");
    request.exportFormat = m_format->currentIndex() == 1 ? ExportFormat::Csv : ExportFormat::JsonLines;
    request.exportPatientIds = m_patientIds->isChecked();
    if (request.exportPatientIds) {
        QString error;
        const auto parsed = range(&error);
        if (!parsed)
            return error;
        request.range = *parsed;
        if (const QString refused = audited(QStringLiteral("export-with-patient-ids"), request); !refused.isEmpty())
            return refused;
    }
    return startReplay(request);
}

QString ReplayPanel::audited(const QString &action, const ReplayRequest &request)
{
    nlohmann::json what = {{"range", request.range.describe().toStdString()}};
    if (!request.targetTopic.isEmpty())
        what["target"] = request.targetTopic.toStdString();
    if (!request.exportPath.isEmpty())
        what["file"] = request.exportPath.toStdString();
    if (request.mode == ReplayMode::Republish || request.mode == ReplayMode::Redrive)
        what["records"] = m_lastResult.progress.records; // what the dry run counted
    try {
        m_audit.append({action, what, {}, {}}, QDateTime::currentMSecsSinceEpoch());
    } catch (const std::exception &error) {
        return tr("Not started: %1").arg(QString::fromUtf8(error.what()));
    }
    return {};
}

QString ReplayPanel::exportComparison(const QString &path) const
{
    if (!m_comparison.live())
        return tr("Run the what-if first.");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    file.write(m_comparison.toCsv());
    if (!file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    return tr("Comparison written to %1.").arg(path);
}

QString ReplayPanel::applyCandidate(const QString &who, const QString &reason)
{
    if (who.trimmed().isEmpty() || reason.trimmed().isEmpty())
        return tr("Give your name and a reason: every change is audit-logged.");
    std::shared_ptr<const ThresholdSet> applied;
    try {
        const auto edited = m_candidate->candidate();
        // One version above what is live now, whatever the rows were edited from.
        applied = std::make_shared<const ThresholdSet>(m_live->name(), m_live->version() + 1, edited->rules(),
                                                       m_live->sources());
        m_audit.append(thresholdChange(who.trimmed(), reason.trimmed(), *m_live, *applied), QDateTime::currentMSecsSinceEpoch());
    } catch (const std::exception &error) {
        return tr("Not applied: %1").arg(QString::fromUtf8(error.what()));
    }
    m_live = applied;
    m_candidate->setApplied(applied);
    m_reason->clear();
    m_candidateProblems->clear();
    updateState();
    Q_EMIT thresholdsApplied(applied);
    return {};
}

void ReplayPanel::setLiveThresholds(std::shared_ptr<const ThresholdSet> live)
{
    if (!live)
        return;
    m_live = std::move(live);
    // Edits in progress are kept; an untouched candidate follows the live set.
    if (!m_candidate->isModified())
        m_candidate->setApplied(m_live);
    updateState();
}

void ReplayPanel::cancel()
{
    m_control->cancel();
}

void ReplayPanel::showProgress(const ReplayProgress &progress)
{
    if (progress.expected > 0)
        m_progressBar->setValue(int(qMin<qint64>(1000, progress.records * 1000 / progress.expected)));
    QString text = tr("%1 records · %2 · %3 records/s · ETA %4")
                       .arg(progress.records)
                       .arg(bytesText(progress.bytes))
                       .arg(qRound64(progress.recordsPerSecond))
                       .arg(durationText(progress.etaMs));
    if (progress.written > 0)
        text += tr(" · %1 written").arg(progress.written);
    if (!progress.lastError.isEmpty())
        text += tr(" · last client message: %1").arg(progress.lastError);
    m_status->setText(text);
}

void ReplayPanel::showComparison(const WhatIfComparison &comparison)
{
    const bool newRules = comparison.rules().size() != m_comparison.rules().size()
                          || comparison.live() != m_comparison.live() || comparison.candidate() != m_comparison.candidate();
    m_comparison = comparison;
    m_ruleResults->setComparison(comparison);
    m_changes->setComparison(comparison);
    m_summary->setText(tr("<b>%1</b> records, %2 results evaluated. Critical alerts: <b>%3</b> under live %4, "
                          "<b>%5</b> under candidate %6 — <span style='color:#b71c1c'>%7 appear</span>, "
                          "<span style='color:#1b5e20'>%8 vanish</span>.")
                           .arg(comparison.records())
                           .arg(comparison.evaluated())
                           .arg(comparison.liveAlerts())
                           .arg(comparison.liveName().toHtmlEscaped())
                           .arg(comparison.candidateAlerts())
                           .arg(comparison.candidateName().toHtmlEscaped())
                           .arg(comparison.added())
                           .arg(comparison.removed()));
    m_leftOut->setText(comparison.changesLeftOut() > 0
                           ? tr("%1 more changed alerts are counted above but not listed (the list keeps the first %2).")
                                 .arg(comparison.changesLeftOut())
                                 .arg(comparison.changeCapacity())
                           : tr("%1 changed alerts.").arg(comparison.changes().size()));
    m_charts->showHours(comparison);
    if (newRules) {
        const QSignalBlocker blocker(m_analyte);
        m_analyte->clear();
        int chosen = 0;
        for (qsizetype i = 0; i < comparison.rules().size(); ++i) {
            const WhatIfRuleCounts &rule = comparison.rules()[i];
            m_analyte->addItem(rule.display);
            // Start on the rule whose limits changed.
            if (chosen == 0 && (rule.liveLow != rule.candidateLow || rule.liveHigh != rule.candidateHigh))
                chosen = int(i);
        }
        m_analyte->setCurrentIndex(chosen);
    }
    showHistogramOf(m_analyte->currentIndex());
}

void ReplayPanel::showHistogramOf(int rule)
{
    if (rule >= 0 && rule < m_analyte->count() && m_analyte->currentIndex() != rule) {
        m_analyte->setCurrentIndex(rule); // shows it through the signal
        return;
    }
    m_charts->showHistogram(m_comparison.histogram(rule));
}

void ReplayPanel::showResult(const ReplayResult &result)
{
    m_lastResult = result;
    const bool completed = result.status == ReplayResult::Status::Completed;
    if (completed)
        m_progressBar->setValue(1000);
    const QString status = result.status == ReplayResult::Status::Failed      ? tr("Failed: ")
                           : result.status == ReplayResult::Status::Cancelled ? tr("Cancelled: ")
                                                                              : QString();
    m_status->setText(status + result.message);
    if (result.mode == ReplayMode::Republish || result.mode == ReplayMode::Redrive)
        m_republishResult->setText(status + result.message);
    if (result.mode == ReplayMode::WhatIf && result.comparison.live())
        showComparison(result.comparison);

    // A dry run that completed asks for the confirmation naming the target.
    if (completed && result.dryRun && (result.mode == ReplayMode::Republish || result.mode == ReplayMode::Redrive)) {
        m_confirmed = m_started;
        m_confirmed.pinned = result.spans; // write exactly what was counted
        qint64 total = 0;
        QStringList targets;
        for (auto it = result.perTarget.cbegin(); it != result.perTarget.cend(); ++it) {
            total += it.value();
            targets.append(tr("%1 to <b>%2</b>").arg(it.value()).arg(it.key().toHtmlEscaped()));
        }
        if (total == 0) {
            m_status->setText(m_status->text() + u' ' + tr("Nothing to write."));
            return;
        }
        const bool intoSource = result.mode == ReplayMode::Republish && m_confirmed.range.topics.contains(m_confirmed.targetTopic);
        m_confirmationsNeeded = intoSource ? 2 : 1;
        m_confirmText->setText(tr("The dry run counted <b>%1</b> records: %2. Nothing has been written yet.")
                                   .arg(total)
                                   .arg(targets.join(QStringLiteral(", "))));
        m_confirm->setText(result.mode == ReplayMode::Republish
                               ? tr("Write %1 records to %2").arg(total).arg(m_confirmed.targetTopic)
                               : tr("Redrive %1 records to their original topics").arg(total));
        m_confirmation->show();
    }
    updateState();
}

void ReplayPanel::hideConfirmation()
{
    m_confirmation->hide();
    m_confirmationsNeeded = 0;
}

void ReplayPanel::loadCandidate()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load candidate threshold set"), {},
                                                      tr("Threshold sets (*.json)"));
    if (path.isEmpty())
        return;
    try {
        m_candidate->setRows(*ThresholdSet::loadFile(path));
    } catch (const std::exception &error) {
        m_candidateProblems->setText(tr("Cannot load %1: %2").arg(path, QString::fromUtf8(error.what())));
    }
}

void ReplayPanel::updateState()
{
    const bool running = m_control->isRunning();
    m_cancel->setEnabled(running);
    const QStringList problems = m_candidate->errors();
    m_candidateProblems->setText(problems.join(u'\n'));
    m_liveLabel->setText(tr("Live in the evaluator: <b>%1</b>. The candidate is the table below; edited cells are "
                            "bold.")
                             .arg(setName(*m_live).toHtmlEscaped()));
    m_runWhatIf->setEnabled(!running && problems.isEmpty());
    m_count->setEnabled(!running);
    m_export->setEnabled(!running);
    const bool ready = m_candidate->isModified() && problems.isEmpty() && !m_who->text().trimmed().isEmpty()
                       && !m_reason->text().trimmed().isEmpty();
    m_apply->setEnabled(ready);
    m_apply->setToolTip(ready ? tr("Record the change in the audit log and make the candidate live")
                              : tr("Edit the candidate, fix every red cell, and give your name and a reason"));
    m_exportComparison->setEnabled(m_comparison.live() != nullptr);
}
