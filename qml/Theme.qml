pragma Singleton
import QtQuick

// Colours and sizes of the window, light or dark. `controller` is the C++ ThemeController
// (set by Main.qml); severity colours come from it so the window and the tray icon agree.
QtObject {
    id: root
    property QtObject controller: null
    readonly property bool dark: controller ? controller.dark : false

    readonly property color window: dark ? "#1e1f22" : "#f3f4f6"
    readonly property color surface: dark ? "#26272b" : "#ffffff"
    readonly property color alternate: dark ? "#2c2d32" : "#f6f8fa"
    readonly property color text: dark ? "#e6e7e9" : "#1f2328"
    readonly property color secondaryText: dark ? "#a4a8ae" : "#57606a"
    readonly property color border: dark ? "#3d3f45" : "#d0d7de"
    readonly property color accent: dark ? "#4493f8" : "#0969da"
    readonly property color selection: dark ? "#23395d" : "#ddeafe"
    readonly property color hover: dark ? "#303238" : "#eef1f4"
    readonly property color errorBackground: dark ? "#4a1f22" : "#ffebe9"
    readonly property color errorText: dark ? "#ffb4ab" : "#82071e"
    readonly property color warningBackground: dark ? "#45391a" : "#fff8c5"
    readonly property color warningText: dark ? "#f2cc60" : "#6f4b00"

    readonly property int rowHeight: 30
    readonly property int spacing: 8
    readonly property int fontSize: 13
    readonly property int smallFontSize: 11

    function severityColor(severity) {
        return controller ? controller.severityColor(severity, dark) : "#9e9e9e"
    }
    function severityTextColor(severity) {
        return controller ? controller.severityTextColor(severity, dark) : "#ffffff"
    }
}
