#include "headlessservice.h"

#include "embeddedcluster.h"
#include "evaluatorjob.h"
#include "simulatorpublisher.h"
#include "thresholdset.h"
#include "workerthread.h"

#include <QTextStream>

namespace {

void reportErrors(KafkaWorker *worker, const QString &name)
{
    QObject::connect(worker, &KafkaWorker::errorOccurred, worker, [name](const ClientError &error) {
        QTextStream(stderr) << "vigil: " << name << (error.fatal ? " stopped: " : ": ") << error.message << Qt::endl;
    });
}

} // namespace

HeadlessService::HeadlessService(const CommandLine &line) : m_config(line.config)
{
    if (line.embedded) {
        m_cluster = std::make_unique<EmbeddedCluster>(line.brokers);
        m_config.setBootstrapServers(m_cluster->bootstrapServers());
    }
    if (line.simulate) {
        SimulatorSettings settings;
        settings.config = m_config;
        settings.seed = line.seed;
        settings.eventsPerMinute = line.eventsPerMinute;
        auto *simulator = new SimulatorPublisher(settings);
        reportErrors(simulator, QStringLiteral("simulator"));
        m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
    }
    if (line.evaluate) {
        EvaluatorSettings settings;
        settings.config = m_config;
        settings.thresholds = ThresholdSet::loadFile(line.thresholdsPath);
        auto *evaluator = new EvaluatorJob(settings);
        reportErrors(evaluator, QStringLiteral("evaluator"));
        m_evaluatorThread = std::make_unique<WorkerThread>(evaluator, QStringLiteral("evaluator"));
    }
}

HeadlessService::~HeadlessService()
{
    if (m_simulatorThread)
        m_simulatorThread->stop();
    if (m_evaluatorThread)
        m_evaluatorThread->stop();
}
