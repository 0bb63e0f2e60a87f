#include "fhir/patientmask.h"

QString maskedPatientId(const QString &patientId, int visibleTail)
{
    const qsizetype hidden = qMax<qsizetype>(0, patientId.size() - visibleTail);
    return QString(hidden, QChar(0x2022)) + patientId.mid(hidden);
}
