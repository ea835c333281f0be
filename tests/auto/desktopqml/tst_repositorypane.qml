import QtQuick
import QtTest
import EcrDesktop

// The repository list against the live demo session: keyboard moves and opening, searching,
// sorting by clicking column titles.
Item {
    id: root
    width: 1366
    height: 500

    Component {
        id: paneComponent
        RepositoryPane {
            anchors.fill: parent
            model: demoApp.repositories
        }
    }
    SignalSpy { id: openedSpy; signalName: "opened" }

    TestCase {
        name: "RepositoryPane"
        when: windowShown
        property var pane

        function initTestCase() {
            Theme.controller = themeBackend
            tryCompare(demoApp, "hasData", true, 60000)
            tryCompare(demoApp, "refreshing", false, 60000)
        }
        function init() {
            pane = createTemporaryObject(paneComponent, root)
            verify(pane)
            openedSpy.clear()
            openedSpy.target = pane
            waitForRendering(pane)
        }
        function cleanup() {
            demoApp.repositories.filterText = ""
            demoApp.repositories.sortRoleName = "name"
            demoApp.repositories.sortDescending = false
        }

        function test_downUpAndEnter() {
            const list = pane.list
            list.forceActiveFocus()
            verify(list.activeFocus)
            compare(list.currentIndex, -1)
            keyClick(Qt.Key_Down)
            compare(list.currentIndex, 0)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            compare(list.currentIndex, 2)
            keyClick(Qt.Key_Up)
            compare(list.currentIndex, 1)
            keyClick(Qt.Key_Return)
            compare(openedSpy.count, 1)
            compare(openedSpy.signalArguments[0][0], demoApp.repositories.value(1, "name"))
            keyClick(Qt.Key_Enter)   // the keypad's Enter too
            compare(openedSpy.count, 2)
        }

        function test_currentRowIsTheDelegateOfThatRepository() {
            pane.list.forceActiveFocus()
            keyClick(Qt.Key_Down)
            const item = pane.list.currentItem
            verify(item)
            compare(item.repositoryName, demoApp.repositories.value(0, "name"))
            compare(item.objectName, "repository:" + item.repositoryName)
            compare(item.worstSeverity, demoApp.repositories.value(0, "worstSeverity"))
        }

        function test_searchNarrowsAndEnterOpensFirstMatch() {
            pane.focusSearch()
            verify(pane.searchField.activeFocus)
            keyClick(Qt.Key_M); keyClick(Qt.Key_L); keyClick(Qt.Key_Slash)
            compare(pane.searchField.text, "ml/")
            tryVerify(() => demoApp.repositories.count > 0 && demoApp.repositories.count < 300)
            for (let i = 0; i < demoApp.repositories.count; ++i)
                verify(demoApp.repositories.value(i, "name").toLowerCase().indexOf("ml/") >= 0)
            compare(findChild(pane, "repositoryCount").text, demoApp.repositories.count + " matching")
            keyClick(Qt.Key_Return)
            compare(openedSpy.count, 1)
            compare(openedSpy.signalArguments[0][0], demoApp.repositories.value(0, "name"))
        }

        function test_downFromSearchGoesToList() {
            pane.focusSearch()
            keyClick(Qt.Key_Down)
            verify(pane.list.activeFocus)
            compare(pane.list.currentIndex, 0)
        }

        function test_escapeClearsSearch() {
            pane.focusSearch()
            keyClick(Qt.Key_A); keyClick(Qt.Key_P); keyClick(Qt.Key_I)
            verify(demoApp.repositories.count < 300)
            keyClick(Qt.Key_Escape)
            compare(pane.searchField.text, "")
            compare(demoApp.repositories.count, 300)
            verify(pane.list.activeFocus)
        }

        function test_noMatchMessage() {
            pane.focusSearch()
            for (const k of [Qt.Key_Z, Qt.Key_Z, Qt.Key_Z, Qt.Key_Q])
                keyClick(k)
            compare(demoApp.repositories.count, 0)
            compare(pane.list.count, 0)
        }

        function test_clickTitlesSort_data() {
            return [
                { tag: "images", role: "imageCount" },
                { tag: "size", role: "totalSize" },
                { tag: "newest push", role: "newestPush" },
                { tag: "worst", role: "worstSeverityRank" },
                { tag: "encryption", role: "encryption" },
            ]
        }
        function test_clickTitlesSort(data) {
            const title = findChild(pane, "sort:" + data.role)
            verify(title)
            mouseClick(title)
            compare(demoApp.repositories.sortRoleName, data.role)
            compare(demoApp.repositories.sortDescending, false)
            const first = demoApp.repositories.value(0, data.role)
            const last = demoApp.repositories.value(demoApp.repositories.count - 1, data.role)
            verify(!(first > last), data.role + ": " + first + " > " + last)
            mouseClick(title)
            compare(demoApp.repositories.sortDescending, true)
            const firstDesc = demoApp.repositories.value(0, data.role)
            verify(!(firstDesc < last), "descending starts with the largest")
            verify(findChild(title, "sortTitle").text.indexOf("\u25BC") > 0)
        }

        function test_clickRowOpens() {
            const delegate = pane.list.itemAtIndex(3)
            verify(delegate)
            mouseClick(delegate)
            compare(openedSpy.count, 1)
            compare(openedSpy.signalArguments[0][0], delegate.repositoryName)
            compare(pane.list.currentIndex, 3)
            verify(pane.list.activeFocus)
        }
    }
}
