#include "profiles/keychain.h"

#include "profiles/connectionprofile.h"

#include <qt6keychain/keychain.h>

#include <QEventLoop>

#include <memory>

namespace {

// Runs jobs one after another (the Secret Service serialises them anyway); `finished` gets the
// first error, or none.
struct Sequence {
    std::vector<QKeychain::Job *> jobs;
    std::function<void(QKeychain::Job *)> each;
    std::function<void(const QString &)> finished;
    size_t next = 0;
};

void runNext(const std::shared_ptr<Sequence> &sequence)
{
    if (sequence->next >= sequence->jobs.size()) {
        sequence->finished({});
        return;
    }
    QKeychain::Job *job = sequence->jobs[sequence->next++];
    QObject::connect(job, &QKeychain::Job::finished, job, [sequence](QKeychain::Job *done) {
        if (done->error() != QKeychain::NoError && done->error() != QKeychain::EntryNotFound) {
            const QString error = Keychain::explain(done->error(), done->errorString());
            for (size_t i = sequence->next; i < sequence->jobs.size(); ++i)
                sequence->jobs[i]->deleteLater(); // never started
            sequence->finished(error);
            return;
        }
        if (sequence->each)
            sequence->each(done);
        runNext(sequence);
    });
    job->start();
}

template <typename Job>
Job *newJob(const QString &service, const QString &key)
{
    auto *job = new Job(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(key);
    return job;
}

} // namespace

Keychain::Keychain(QString service, QObject *parent) : QObject(parent), m_service(std::move(service)) {}

QString Keychain::explain(int error, const QString &errorString)
{
    if (error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented
        || errorString.contains(QStringLiteral("org.freedesktop.secrets")) || errorString.contains(QStringLiteral("D-Bus"))
        || errorString.contains(QStringLiteral("DBus")) || errorString.contains(QStringLiteral("Could not connect")))
        return QStringLiteral("no OS keychain service is running (the Secret Service over D-Bus: gnome-keyring, "
                              "KeePassXC or KWallet): %1. Vigil never writes secrets to a plain file; start a keychain, "
                              "or give the secret at start with -X (e.g. -X sasl.password=...).")
            .arg(errorString);
    if (error == QKeychain::AccessDeniedByUser || error == QKeychain::AccessDenied)
        return QStringLiteral("the OS keychain refused access: %1").arg(errorString);
    return QStringLiteral("the OS keychain failed: %1").arg(errorString);
}

void Keychain::write(const QString &profile, const Secrets &secrets, Done done)
{
    auto sequence = std::make_shared<Sequence>();
    for (const auto &[key, value] : secrets) {
        auto *job = newJob<QKeychain::WritePasswordJob>(m_service, keychainKey(profile, key));
        job->setTextData(value);
        sequence->jobs.push_back(job);
    }
    sequence->finished = std::move(done);
    runNext(sequence);
}

void Keychain::read(const QString &profile, const QStringList &keys,
                    std::function<void(const Secrets &, const QString &error)> done)
{
    auto sequence = std::make_shared<Sequence>();
    auto secrets = std::make_shared<Secrets>();
    for (const QString &key : keys)
        sequence->jobs.push_back(newJob<QKeychain::ReadPasswordJob>(m_service, keychainKey(profile, key)));
    const QString prefix = keychainKey(profile, QString());
    sequence->each = [secrets, prefix](QKeychain::Job *job) {
        if (job->error() == QKeychain::NoError)
            secrets->append({job->key().mid(prefix.size()), static_cast<QKeychain::ReadPasswordJob *>(job)->textData()});
    };
    sequence->finished = [secrets, done = std::move(done)](const QString &error) { done(*secrets, error); };
    runNext(sequence);
}

void Keychain::remove(const QString &profile, const QStringList &keys, Done done)
{
    auto sequence = std::make_shared<Sequence>();
    for (const QString &key : keys)
        sequence->jobs.push_back(newJob<QKeychain::DeletePasswordJob>(m_service, keychainKey(profile, key)));
    sequence->finished = std::move(done);
    runNext(sequence);
}

namespace {

// Runs an asynchronous call in a local event loop until it reports; returns its error.
QString waitFor(const std::function<void(Keychain::Done)> &call)
{
    QEventLoop loop;
    QString result;
    bool finished = false;
    call([&](const QString &error) {
        result = error;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}

} // namespace

QString Keychain::writeNow(const QString &profile, const Secrets &secrets)
{
    return waitFor([&](Done done) { write(profile, secrets, std::move(done)); });
}

QString Keychain::readNow(const QString &profile, const QStringList &keys, Secrets *secrets)
{
    return waitFor([&](Done done) {
        read(profile, keys, [secrets, done = std::move(done)](const Secrets &read, const QString &error) {
            *secrets = read;
            done(error);
        });
    });
}

QString Keychain::removeNow(const QString &profile, const QStringList &keys)
{
    return waitFor([&](Done done) { remove(profile, keys, std::move(done)); });
}
