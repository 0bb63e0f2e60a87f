#pragma once

#include <QString>

// The local cluster's secured listeners, on request (--secured): SASL_SSL (PLAIN, and SCRAM-SHA-512 for
// clients whose librdkafka is 2.6.1 or later) and mTLS, beside PLAINTEXT, for trying Vigil and other
// clients the way a hospital cluster is reached. Made once in <cluster>/secured/ (mode 700): a CA, the
// brokers' PEM keystore (CN=localhost, SAN 127.0.0.1), a client certificate for CN=vigil, the user
// vigil's random password, and client properties files that kcat -F and vigil --config read.
// The openssl command makes the certificates.
class LocalSecurity {
public:
    explicit LocalSecurity(const QString &clusterDir);

    // Makes whatever is missing; throws LocalClusterError (openssl missing or failing).
    void prepare() const;
    // The broker's lines for its SECURE (SASL_SSL) and MTLS listeners.
    QString serverProperties() const;
    // sasl_ssl.properties and mtls.properties for these bootstrap lists.
    void writeClientProperties(const QString &saslBootstrap, const QString &mtlsBootstrap) const;
    QString password() const;
    // The SCRAM credential that `kafka-storage format --add-scram` gives the user on a first start.
    QString scramCredential() const;
    const QString &dir() const { return m_dir; }

private:
    QString m_dir;
};
