#pragma once

#include "model/criticalalerttracker.h"
#include "model/registrytotals.h"

#include <QDateTime>
#include <QObject>
#include <QQueue>
#include <QTimer>

class DesktopSession;
class QAction;
class QMenu;
class QSystemTrayIcon;

// The system tray presence (Qt Widgets' QSystemTrayIcon): an icon showing the registry's
// worst severity (neutral while loading or on error), a tooltip with live counts, a menu
// (Show window, Refresh now, Copy metrics URL, Quit) and one message per image whose
// CRITICAL count went from 0 to more (the session's CriticalAlertTracker decides which).
// Messages are spaced out so each stays readable; beyond kMaxQueuedMessages in one refresh
// the rest are summed up in one message.
class TrayController : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxQueuedMessages = 5;

    explicit TrayController(DesktopSession *session, QObject *parent = nullptr);
    ~TrayController() override;

    // True when a tray host is running (QSystemTrayIcon::isVisible() is not a reliable test).
    static bool isSystemTrayAvailable();
    void show();
    void hide();

    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QMenu *menu() const { return m_menu; }
    // "loading", "error", or the worst severity name ("CRITICAL" ... "NONE") the icon shows.
    QString iconState() const { return m_iconState; }
    // Time between two tray messages (default 6 s; tests make it short).
    void setMessageSpacing(int milliseconds) { m_messageTimer.setInterval(milliseconds); }

    // Pure text builders (unit-tested).
    static QString tooltipText(const RegistryTotals &totals, bool hasData, const QString &registryId,
                               const QString &lastRefreshText, bool refreshing, const QString &error);
    static QString alertTitle(const CriticalAlertTracker::Alert &alert);
    static QString alertBody(const CriticalAlertTracker::Alert &alert);
    static QString summaryBody(int images);

signals:
    void showWindowRequested();
    void quitRequested();
    // Each message actually handed to the tray (for tests and logs).
    void messageShown(const QString &title, const QString &body);

private:
    void update();
    void enqueue(const QVector<CriticalAlertTracker::Alert> &alerts);
    void showNextMessage();

    DesktopSession *m_session;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_copyUrl = nullptr;
    QAction *m_refresh = nullptr;
    QString m_iconState;
    QQueue<QPair<QString, QString>> m_messages;
    QTimer m_messageTimer;
};
