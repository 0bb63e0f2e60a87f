#include "local/localsecurity.h"

#include "local/localnode.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>

namespace {

LocalClusterError failure(const QString &message)
{
    return LocalClusterError(LocalClusterError::Kind::Failed, message);
}

void write(const QString &path, const QByteArray &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
        throw failure(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

QByteArray read(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void openssl(const QString &dir, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted(10'000))
        throw failure(QStringLiteral("the secured listeners need the openssl command to make their certificates: %1")
                          .arg(process.errorString()));
    if (!process.waitForFinished(60'000) || process.exitCode() != 0)
        throw failure(QStringLiteral("openssl %1 failed: %2").arg(arguments.first(), QString::fromLocal8Bit(process.readAll())));
}

// <name>.key (PKCS#8) and <name>.pem for `subject`, signed by the CA, with these extensions.
void signedCertificate(const QString &dir, const QString &name, const QString &subject, const QString &extensions)
{
    openssl(dir, {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".csr"), QStringLiteral("-subj"), subject});
    write(dir + u'/' + name + QStringLiteral(".ext"), extensions.toUtf8());
    openssl(dir, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), name + QStringLiteral(".csr"), QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                  name + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("825"), QStringLiteral("-extfile"), name + QStringLiteral(".ext")});
    QFile::remove(dir + u'/' + name + QStringLiteral(".csr"));
    QFile::remove(dir + u'/' + name + QStringLiteral(".ext"));
}

} // namespace

LocalSecurity::LocalSecurity(const QString &clusterDir) : m_dir(clusterDir + QStringLiteral("/secured")) {}

void LocalSecurity::prepare() const
{
    const auto exists = [this](const char *name) { return QFile::exists(m_dir + u'/' + QLatin1String(name)); };
    if (exists("broker.pem") && exists("vigil.pem") && exists("vigil.password"))
        return;
    if (!QDir().mkpath(m_dir))
        throw failure(QStringLiteral("cannot create %1").arg(m_dir));
    QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    openssl(m_dir, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.pem"), QStringLiteral("-days"), QStringLiteral("825"),
                    QStringLiteral("-subj"), QStringLiteral("/O=Vigil local cluster/CN=Vigil local CA"), QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                    QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")});
    signedCertificate(m_dir, QStringLiteral("broker-cert"), QStringLiteral("/O=Vigil local cluster/CN=localhost"),
                      QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n"));
    write(m_dir + QStringLiteral("/broker.pem"), read(m_dir + QStringLiteral("/broker-cert.key")) + read(m_dir + QStringLiteral("/broker-cert.pem")) + read(m_dir + QStringLiteral("/ca.pem")));
    QFile::remove(m_dir + QStringLiteral("/broker-cert.key"));
    QFile::remove(m_dir + QStringLiteral("/broker-cert.pem"));
    signedCertificate(m_dir, QStringLiteral("vigil"), QStringLiteral("/O=Vigil local cluster/CN=vigil"), QStringLiteral("extendedKeyUsage=clientAuth\n"));
    QByteArray random(18, Qt::Uninitialized);
    for (char &c : random)
        c = char(QRandomGenerator::system()->bounded(256));
    write(m_dir + QStringLiteral("/vigil.password"), random.toBase64(QByteArray::Base64UrlEncoding));
}

QString LocalSecurity::password() const
{
    return QString::fromLatin1(read(m_dir + QStringLiteral("/vigil.password")).trimmed());
}

QString LocalSecurity::scramCredential() const
{
    return QStringLiteral("SCRAM-SHA-512=[name=vigil,password=%1]").arg(password());
}

QString LocalSecurity::serverProperties() const
{
    return QStringLiteral(
               "# Secured listeners (--secured): SASL_SSL with PLAIN and SCRAM-SHA-512 (user vigil; librdkafka before\n"
               "# 2.6.1 cannot complete SCRAM with Kafka 4), and mTLS (a certificate signed by the local CA).\n"
               "listener.name.secure.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512\n"
               "listener.name.secure.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
               "required user_vigil=\"%2\";\n"
               "listener.name.secure.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;\n"
               "listener.name.mtls.ssl.client.auth=required\n"
               "ssl.keystore.type=PEM\n"
               "ssl.keystore.location=%1/broker.pem\n"
               "ssl.truststore.type=PEM\n"
               "ssl.truststore.location=%1/ca.pem\n")
        .arg(m_dir, password());
}

void LocalSecurity::writeClientProperties(const QString &saslBootstrap, const QString &mtlsBootstrap) const
{
    const QString header = QStringLiteral("# The local cluster's secured listener (kcat -F, vigil --config)\n");
    write(m_dir + QStringLiteral("/sasl_ssl.properties"),
          (header + QStringLiteral("bootstrap.servers=%1\nsecurity.protocol=SASL_SSL\nssl.ca.location=%2/ca.pem\n"
                                   "sasl.mechanisms=PLAIN\nsasl.username=vigil\nsasl.password=%3\n")
                        .arg(saslBootstrap, m_dir, password()))
              .toUtf8());
    write(m_dir + QStringLiteral("/mtls.properties"),
          (header + QStringLiteral("bootstrap.servers=%1\nsecurity.protocol=SSL\nssl.ca.location=%2/ca.pem\n"
                                   "ssl.certificate.location=%2/vigil.pem\nssl.key.location=%2/vigil.key\n")
                        .arg(mtlsBootstrap, m_dir))
              .toUtf8());
}
