#include "walltheme.h"

#include <QCoreApplication>

namespace WallTheme {

QColor background() { return QColor(0x0b, 0x0e, 0x12); }
QColor text() { return Qt::white; }
QColor secondaryText() { return QColor(0xb8, 0xc2, 0xcc); }
QColor calmText() { return QColor(0x8f, 0xe3, 0x9a); }
QColor warningText() { return QColor(0xff, 0xd0, 0x4d); }
QColor highlight() { return QColor(0xff, 0xf1, 0x76); }
QColor banner() { return QColor(0xc6, 0x00, 0x00); }

QColor rowBackground(AlertState state, int escalation)
{
    switch (state) {
    case AlertState::Open:
        if (escalation >= 2)
            return QColor(0x9b, 0x00, 0x00);
        if (escalation == 1)
            return QColor(0x8a, 0x5a, 0x00);
        return QColor(0x26, 0x2b, 0x33);
    case AlertState::Acknowledged: return QColor(0x17, 0x2a, 0x40);
    case AlertState::Resolved:
    case AlertState::Retracted: return QColor(0x16, 0x19, 0x1d);
    }
    return background();
}

QColor value(AlertSeverity severity, bool active)
{
    if (!active)
        return secondaryText();
    return severity == AlertSeverity::CriticalLow ? QColor(0x8c, 0xd3, 0xff) : QColor(0xff, 0xb3, 0xa8);
}

QColor actionBackground(AlertState state)
{
    return state == AlertState::Open ? QColor(0xff, 0xd0, 0x4d) : QColor(0x5f, 0x7f, 0x9f);
}

QColor actionText() { return QColor(0x0b, 0x0e, 0x12); }

} // namespace WallTheme

QString wallDuration(qint64 ms)
{
    const qint64 seconds = std::max<qint64>(0, ms / 1000);
    if (seconds < 60)
        return QCoreApplication::translate("WallTheme", "%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return QCoreApplication::translate("WallTheme", "%1 min").arg(minutes);
    return QCoreApplication::translate("WallTheme", "%1 h %2 min").arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}
