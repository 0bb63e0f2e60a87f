#include "headlessservice.h"

#include "embeddedcluster.h"
#include "evaluatorjob.h"
#include "simulatorpublisher.h"
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
        auto *simulator = new SimulatorPublisher(line.simulatorSettings(m_config));
        reportErrors(simulator, QStringLiteral("simulator"));
        m_simulatorThread = std::make_unique<WorkerThread>(simulator, QStringLiteral("simulated hospital"));
    }
    if (line.evaluate) {
        auto *evaluator = new EvaluatorJob(line.evaluatorSettings(m_config));
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
