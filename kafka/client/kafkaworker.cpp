#include "client/kafkaworker.h"

#include <QThread>

void KafkaWorker::shutdown()
{
    releaseClients();
    QThread::currentThread()->quit();
}
