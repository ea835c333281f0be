import QtQuick
import QtTest
import EcrDesktop

// The keyboard paths through the whole view, as a user takes them: Ctrl+F, type, Enter to
// open, Down/Up through the images, Ctrl+C to copy, Escape back, Down/Up through the
// repositories; plus the header's figures and the theme switch.
Item {
    id: root
    width: 1366
    height: 768

    Component {
        id: viewComponent
        MainView {
            anchors.fill: parent
            focus: true
            app: demoApp
            settings: settingsBackend
            themeController: themeBackend
        }
    }

    TestCase {
        name: "MainView"
        when: windowShown
        property var view

        function initTestCase() {
            Theme.controller = themeBackend
            tryCompare(demoApp, "hasData", true, 60000)
            tryCompare(demoApp, "refreshing", false, 60000)
            // Shortcuts (Ctrl+F, F5) work in the active window, as on a desktop.
            const w = root.Window.window
            w.requestActivate()
            tryVerify(() => w.active, 5000, "the test window becomes active")
        }
        function init() {
            view = createTemporaryObject(viewComponent, root)
            verify(view)
            view.forceActiveFocus()
            waitForRendering(view)
        }
        function cleanup() {
            demoApp.repositories.filterText = ""
            demoApp.selectedRepository = ""
            themeBackend.mode = "light"
            if (view && view.settingsDialog.opened)
                view.settingsDialog.close()
        }

        function test_headerShowsTheRegistry() {
            const header = view.header
            compare(findChild(header, "registryTitle").text, "Registry " + demoRegistryId)
            compare(findChild(header, "registryRegion").text, "eu-west-1")
            compare(findChild(header, "repositoryCountText").text, "300 repositories")
            compare(findChild(header, "imageCountText").text,
                    Number(demoApp.imageCount).toLocaleString(Qt.locale("en_US"), "f", 0) + " images")
            compare(findChild(header, "totalSizeText").text, demoApp.totalSizeText + " in total")
            verify(findChild(header, "lastRefreshText").text.indexOf("Last refresh ") === 0)
            verify(!findChild(header, "refreshProgress").visible)
            verify(!findChild(header, "errorBanner").visible)
            compare(findChild(header, "legendCRITICAL").text,
                    "CRITICAL " + Number(demoApp.severityTotals["CRITICAL"]).toLocaleString(Qt.locale("en_US"), "f", 0))
        }

        function test_ctrlF_type_enter_images_copy_escape() {
            keyClick(Qt.Key_F, Qt.ControlModifier)
            const search = view.repositoryPane.searchField
            verify(search.activeFocus, "Ctrl+F focuses the search field")

            // Type the whole name of a plain-named repository with at least two images.
            let target = ""
            for (let i = 0; i < demoApp.repositories.count && target === ""; ++i) {
                const name = demoApp.repositories.value(i, "name")
                if (/^[a-z]+[0-9]+$/.test(name) && demoApp.repositories.value(i, "imageCount") >= 2)
                    target = name
            }
            verify(target !== "")
            for (const ch of target)
                keyClick(ch)
            compare(search.text, target)
            compare(demoApp.repositories.count, 1)
            const first = demoApp.repositories.value(0, "name")
            compare(first, target)

            keyClick(Qt.Key_Return)
            compare(demoApp.selectedRepository, first, "Enter opens the first match")
            const images = view.imagePane.list
            tryVerify(() => images.activeFocus, 2000, "the image list takes the keys")
            verify(images.count >= 2)
            compare(images.currentIndex, 0)
            keyClick(Qt.Key_Down)
            compare(images.currentIndex, 1)
            keyClick(Qt.Key_C, Qt.ControlModifier)
            compare(testTools.clipboardText(), demoApp.images.value(1, "imageUri"))
            keyClick(Qt.Key_Up)
            compare(images.currentIndex, 0)
            testTools.setClipboardText("")
            keyClick(Qt.Key_C, Qt.ControlModifier)
            compare(testTools.clipboardText(), demoApp.images.value(0, "imageUri"))
            compare(view.lastCopied, demoApp.images.value(0, "imageUri"))
            keyClick(Qt.Key_Escape)
            verify(view.repositoryPane.list.activeFocus, "Escape goes back to the repositories")
        }

        function test_downUpThroughRepositoriesThenEnter() {
            view.repositoryPane.list.forceActiveFocus()
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Up)
            compare(view.repositoryPane.list.currentIndex, 1)
            compare(demoApp.selectedRepository, "", "moving does not open")
            keyClick(Qt.Key_Return)
            compare(demoApp.selectedRepository, demoApp.repositories.value(1, "name"))
            compare(findChild(view.imagePane, "imagesTitle").text, "Images of " + demoApp.repositories.value(1, "name"))
            compare(view.imagePane.list.count, demoApp.repositories.value(1, "imageCount"))
            // The open repository's row is marked.
            verify(view.repositoryPane.list.itemAtIndex(1).open)
            verify(!view.repositoryPane.list.itemAtIndex(0).open)
        }

        function test_tabReachesTheLists() {
            view.repositoryPane.searchField.forceActiveFocus()
            let sawRepositories = false
            let sawImages = false
            for (let i = 0; i < 20 && !(sawRepositories && sawImages); ++i) {
                keyClick(Qt.Key_Tab)
                sawRepositories = sawRepositories || view.repositoryPane.list.activeFocus
                sawImages = sawImages || view.imagePane.list.activeFocus
            }
            verify(sawRepositories)
            verify(sawImages)
        }

        function test_f5Refreshes() {
            const before = demoApp.lastRefresh
            keyClick(Qt.Key_F5)
            verify(demoApp.refreshing, "F5 starts a refresh")
            tryCompare(demoApp, "refreshing", false, 60000)
            verify(demoApp.lastRefresh > before)
            compare(demoApp.repositoryCount, 300)
        }

        function test_themeSwitch() {
            const box = findChild(view.header, "themeSwitch")
            verify(!Theme.dark)
            box.activated(2)   // "Dark"
            compare(themeBackend.mode, "dark")
            verify(Theme.dark)
            verify(Qt.colorEqual(Theme.window, "#1e1f22"))
            box.activated(1)   // "Light"
            verify(!Theme.dark)
        }

        function test_settingsDialogOpens() {
            mouseClick(findChild(view.header, "settingsButton"))
            tryVerify(() => view.settingsDialog.opened)
            keyClick(Qt.Key_Escape)
            tryVerify(() => !view.settingsDialog.visible)
        }
    }
}
