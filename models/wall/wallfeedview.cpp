#include "wall/wallfeedview.h"
#include "base/text.h"

#include "wall/alertboard.h"
#include "wall/unitcensus.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QString>

#include <algorithm>
#include <utility>

namespace {

// What patientLabel() shows of a patient id ("id …123"), maskedPatientId's default.
constexpr qsizetype ShownIdTail = 3;
// 64 bits of the keyed hash: no two patients of a hospital share a pseudonym.
constexpr qsizetype PseudonymHexDigits = 16;

std::string tailOf(const std::string &text, int characters)
{
    const auto keep = static_cast<std::size_t>(std::max(0, characters));
    return text.substr(text.size() - std::min(keep, text.size()));
}

} // namespace

WallFeedView::WallFeedView(WallAudience audience, QByteArray pseudonymKey)
    : m_audience(std::move(audience)), m_key(std::move(pseudonymKey))
{
}

QByteArray WallFeedView::newPseudonymKey()
{
    QByteArray key(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), key.size() / 4);
    return key;
}

std::vector<CensusEntry> WallFeedView::census(const std::vector<CensusEntry> &census) const
{
    std::vector<CensusEntry> rows;
    if (isOverview())
        return rows;
    for (const CensusEntry &entry : census) {
        if (entry.ward == m_audience.unit)
            rows.push_back(masked(entry));
    }
    return rows;
}

std::vector<Alert> WallFeedView::alerts(const std::vector<Alert> &alerts, const UnitCensus &census) const
{
    std::vector<Alert> ours;
    if (isOverview() || alerts.empty())
        return ours;
    const std::vector<std::string> units = AlertBoard::unitsOf(alerts, census);
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        if (units[i] == m_audience.unit)
            ours.push_back(masked(alerts[i]));
    }
    return ours;
}

CensusEntry WallFeedView::masked(const CensusEntry &entry) const
{
    if (m_audience.fullIdentifiers)
        return entry;
    CensusEntry shown = entry;
    shown.patientId = pseudonym(entry.patientId);
    shown.encounterId = pseudonym(entry.encounterId);
    if (!m_audience.labels.initials)
        shown.initials.clear();
    shown.mrn = tailOf(entry.mrn, m_audience.labels.mrnDigits);
    return shown;
}

Alert WallFeedView::masked(const Alert &alert) const
{
    if (m_audience.fullIdentifiers)
        return alert;
    Alert shown = alert;
    shown.patientId = pseudonym(alert.patientId);
    shown.encounterId = pseudonym(alert.encounterId);
    shown.observationId.clear();
    shown.source = {};
    return shown;
}

std::string WallFeedView::pseudonym(std::string_view id) const
{
    const QString text = Text::toQString(id);
    if (text.size() <= ShownIdTail)
        return std::string(id); // the label shows it whole anyway
    const QByteArray digest =
        QMessageAuthenticationCode::hash(text.toUtf8(), m_key, QCryptographicHash::Sha256).toHex().left(PseudonymHexDigits);
    return "ps-" + digest.toStdString() + '-' + text.right(ShownIdTail).toStdString();
}
