#include "console.h"

#include "clusterstatus.h"
#include "dashboardview.h"
#include "embeddedcluster.h"
#include "evaluatorjob.h"
#include "feedconsumer.h"
#include "feedmodel.h"
#include "mainwindow.h"
#include "pipelinehealth.h"
#include "pipelinehealthview.h"
#include "simulatorpublisher.h"
#include "thresholdeditor.h"
#include "topics.h"
#include "workerthread.h"

#include <QCoreApplication>

namespace {

QString topicName(std::string_view topic)
{
    return QString::fromUtf8(topic.data(), qsizetype(topic.size()));
}

} // namespace

Console::Console(const CommandLine &line) : m_config(line.config)
{
    QString clusterName;
    QString notice;
    if (line.embedded) {
        m_cluster = std::make_unique<EmbeddedCluster>(line.brokers);
        m_config.setBootstrapServers(m_cluster->bootstrapServers());
        clusterName = QObject::tr("embedded cluster (%1 brokers, in memory)").arg(line.brokers);
        notice = EmbeddedCluster::limitations();
    } else {
        clusterName = m_config.bootstrapServers();
    }

    m_feed = std::make_unique<FeedModel>();
    m_status = std::make_unique<ClusterStatus>(clusterName);
    m_window = std::make_unique<MainWindow>(m_feed.get(), m_status.get(), notice);

    ConsumerSettings feedSettings;
    feedSettings.config = m_config;
    feedSettings.topics = {topicName(Topics::Adt), topicName(Topics::LabResults),
                           topicName(Topics::MedicationOrders), topicName(Topics::FhirOther)};
    feedSettings.groupId = QStringLiteral("vigil-feed-%1").arg(QCoreApplication::applicationPid());
    feedSettings.offsetReset = line.embedded ? QStringLiteral("earliest") : QStringLiteral("latest");
    auto *feedConsumer = new FeedConsumer(feedSettings);
    QObject::connect(feedConsumer, &FeedConsumer::eventsReady, m_feed.get(), &FeedModel::appendBatch);
    QObject::connect(feedConsumer, &KafkaWorker::statisticsUpdated, m_status.get(), &ClusterStatus::updateStatistics);
    QObject::connect(feedConsumer, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    m_feedThread = std::make_unique<WorkerThread>(feedConsumer, QStringLiteral("feed consumer"));

    if (line.evaluate)
        startEvaluator(line);

    if (line.simulate) {
        auto *simulator = new SimulatorPublisher(line.simulatorSettings(m_config));
        QObject::connect(simulator, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
        m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
    }
}

void Console::startEvaluator(const CommandLine &line)
{
    const EvaluatorSettings settings = line.evaluatorSettings(m_config);

    m_pipelineHealth = std::make_unique<PipelineHealth>();
    m_deadLetters = std::make_unique<DeadLetterModel>();
    m_window->dashboard()->addPanel(new PipelineHealthView(m_pipelineHealth.get(), m_deadLetters.get()));
    m_thresholdEditor = new ThresholdEditor(settings.thresholds, ThresholdAuditLog());
    m_window->addArea(QObject::tr("Thresholds"), m_thresholdEditor);

    auto *job = new EvaluatorJob(settings);
    QObject::connect(job, &EvaluatorJob::batchCommitted, m_pipelineHealth.get(), &PipelineHealth::record);
    QObject::connect(job, &EvaluatorJob::batchCommitted, m_deadLetters.get(), &DeadLetterModel::append);
    QObject::connect(job, &EvaluatorJob::batchCommitted, m_thresholdEditor, &ThresholdEditor::recordActivity);
    QObject::connect(job, &KafkaWorker::errorOccurred, m_status.get(), &ClusterStatus::recordError);
    // The new set crosses to the evaluator's thread as an immutable snapshot.
    QObject::connect(m_thresholdEditor, &ThresholdEditor::thresholdsApplied, job, &EvaluatorJob::setThresholds);
    m_evaluatorThread = std::make_unique<WorkerThread>(job, QStringLiteral("evaluator"));
}

Console::~Console()
{
    // Producers first, so nothing is sent to a cluster that is going away; then the consumers;
    // the window and models outlive the workers that post to them.
    if (m_simulatorThread)
        m_simulatorThread->stop();
    if (m_evaluatorThread)
        m_evaluatorThread->stop();
    m_feedThread->stop();
}
