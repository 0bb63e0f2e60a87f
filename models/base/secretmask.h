#pragma once

#include <QString>

// Secrets never reach a log line or an error message that echoes what a user typed: passwords in
// URLs (https://user:password@host), client properties that hold secrets (sasl.password,
// ssl.key.password, ssl.keystore.password, sasl.oauthbearer.client.secret, …) and tokens.
namespace SecretMask {

inline constexpr char16_t Mask[] = u"***";

// Whether a client property's value is a secret: a key whose last part names a password,
// secret, token or private key, and sasl.jaas.config (which carries a password inline).
bool isSecretProperty(const QString &key);

// The text with every secret it can recognise replaced by ***: the password of a URL's user
// info, the value of key=value / key: value pairs whose key is a secret property, and the value
// after "token=" or "Bearer ".
QString masked(const QString &text);

} // namespace SecretMask
