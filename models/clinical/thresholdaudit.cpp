#include "clinical/thresholdaudit.h"

#include "clinical/thresholdset.h"

AuditAction thresholdChange(const QString &who, const QString &reason, const ThresholdSet &before, const ThresholdSet &after)
{
    return {QStringLiteral("threshold-change"),
            {{"before", nlohmann::json::parse(before.toJson())}, {"after", nlohmann::json::parse(after.toJson())}},
            reason,
            who};
}
