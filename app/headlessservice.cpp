#include "headlessservice.h"

#include "client/embeddedcluster.h"
#include "jobs/evaluatorjob.h"
#include "jobs/simulatorpublisher.h"
#include "client/workerthread.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

// Workers say each distinct failure once with a count (WarningThrottle), so this cannot flood.
// Connected to the application object: the exit runs on the main thread's event loop.
void reportErrors(KafkaWorker *worker, const QString &name)
{
    QObject::connect(worker, &KafkaWorker::errorOccurred, QCoreApplication::instance(), [name](const ClientError &error) {
        QTextStream(stderr) << "vigil: " << name << (error.fatal ? " stopped: " : ": ") << error.message << Qt::endl;
        if (error.fatal) {
            QTextStream(stderr) << "vigil: exiting with status 1 so that a supervisor can restart the service" << Qt::endl;
            QCoreApplication::exit(1);
        }
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
    WorkerThread::stopAll({m_simulatorThread.get(), m_evaluatorThread.get()});
}
