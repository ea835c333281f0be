import QtQuick
import QtQuick.Controls

// The main window. Its context comes from C++ as initial properties: the session (`app`),
// the settings backend, the theme controller, and whether a tray icon exists (then closing
// the window only hides it).
ApplicationWindow {
    id: window
    required property QtObject app
    required property QtObject settings
    required property QtObject theme
    property bool trayAvailable: false
    property bool startHidden: false
    signal quitRequested()

    readonly property alias view: mainView

    objectName: "mainWindow"
    title: app && app.registryId !== "" ? "ECR Desktop — " + app.registryId + (app.demo ? " (demo)" : "") : "ECR Desktop"
    width: 1366
    height: 768
    minimumWidth: 1200  // the image columns need about 1170 px
    minimumHeight: 600
    visible: !startHidden
    color: Theme.window

    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.alternateBase: Theme.alternate
    palette.text: Theme.text
    palette.button: Theme.alternate
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: "#ffffff"
    palette.placeholderText: Theme.secondaryText
    palette.toolTipBase: Theme.surface
    palette.toolTipText: Theme.text
    palette.mid: Theme.border
    palette.light: Theme.surface
    palette.dark: Theme.border

    Component.onCompleted: Theme.controller = window.theme

    onClosing: close => {
        if (window.trayAvailable) {
            // The tray keeps the numbers live; Quit is in its menu.
            close.accepted = false
            window.hide()
        }
    }

    Shortcut {
        sequence: "Ctrl+Q"
        onActivated: window.quitRequested()
    }

    MainView {
        id: mainView
        objectName: "mainView"
        anchors.fill: parent
        focus: true
        app: window.app
        settings: window.settings
        themeController: window.theme
    }
}
