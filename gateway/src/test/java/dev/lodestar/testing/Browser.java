package dev.lodestar.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromedriver}, which {@code .ci/run} installs)
 * driven like a user: it follows the redirect to Keycloak's own login page and types the password there.
 */
public final class Browser implements AutoCloseable {

    private static final String CHROMIUM = System.getProperty("lodestar.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("lodestar.chromedriver", "/usr/bin/chromedriver");

    private final WebDriver driver;
    private final WebDriverWait wait;
    private final String base;

    private Browser(String base) {
        this.base = base;
        try {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-quic", "--window-size=1280,900",
                    "--user-data-dir=" + Files.createTempDirectory("lodestar-chromium"));
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                    .build();
            this.driver = new ChromeDriver(service, options);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    /** A new browser with no session, for the gateway at {@code base} (e.g. {@code http://localhost:8081}). */
    public static Browser start(String base) {
        return new Browser(base);
    }

    /** Opens a gateway path and, if Keycloak's login page comes up, logs in as {@code user} (password = user name). */
    public Browser loginAndOpen(String user, String path) {
        driver.get(base + path);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user);
        driver.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.urlContains(base));
        return this;
    }

    /** Opens a gateway path in the current session. */
    public Browser open(String path) {
        driver.get(base + path);
        return this;
    }

    /** The current address. */
    public String url() {
        return driver.getCurrentUrl();
    }

    /** The visible text of the page. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Clicks the link with exactly this text and waits for the next page. */
    public Browser click(String linkText) {
        WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText(linkText)));
        String before = driver.getCurrentUrl();
        link.click();
        wait.until(d -> !d.getCurrentUrl().equals(before));
        return this;
    }

    /** Elements matching a CSS selector. */
    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The first element matching a CSS selector, waiting for it to appear. */
    public WebElement one(String css) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    /**
     * The visible text of the first element matching a CSS selector, read in one step inside the page, so a page
     * that replaces the element while it updates itself cannot leave a stale reference; null when there is none.
     */
    public String textOf(String css) {
        return (String) script("const e = document.querySelector(arguments[0]); return e === null ? null : e.innerText;", css);
    }

    /** Types into a field and submits its form. */
    public Browser submit(String css, String value) {
        WebElement field = one(css);
        field.clear();
        field.sendKeys(value);
        String before = driver.getCurrentUrl();
        field.submit();
        wait.until(d -> !d.getCurrentUrl().equals(before));
        return this;
    }

    /** Types {@code value} into the field matching a CSS selector. */
    public Browser fill(String css, String value) {
        WebElement field = one(css);
        field.clear();
        field.sendKeys(value);
        return this;
    }

    /** Clicks the button matching a CSS selector and waits for the page its form leads to. */
    public Browser press(String css) {
        WebElement button = one(css);
        button.click();
        wait.until(ExpectedConditions.stalenessOf(button));
        return this;
    }

    /**
     * Sends a form post from the current page, as a replayed or forged form would be sent, and waits for the
     * answer page.
     */
    public Browser post(String path, Map<String, String> fields) {
        WebElement body = driver.findElement(By.tagName("body"));
        ((JavascriptExecutor) driver).executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                for (const [name, value] of Object.entries(arguments[1])) {
                  const input = document.createElement('input');
                  input.type = 'hidden';
                  input.name = name;
                  input.value = value;
                  form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();""", base + path, fields);
        wait.until(ExpectedConditions.stalenessOf(body));
        return this;
    }

    /** The form token of the current page, or a made-up one if the page has no form. */
    public String formToken() {
        List<WebElement> fields = driver.findElements(By.cssSelector("input[name=csrf]"));
        return fields.isEmpty() ? "no-token-on-this-page" : fields.get(0).getAttribute("value");
    }

    /** Runs {@code script} in every page opened from now on, before any script of the page itself. */
    public Browser beforeEveryPage(String script) {
        ((ChromeDriver) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
        return this;
    }

    /** Forgets every cookie, the gateway's and Keycloak's: the next page starts a new login and a new session. */
    public Browser forgetSessions() {
        ((ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCookies", Map.of());
        return this;
    }

    /** Runs JavaScript in the current page and returns its result. */
    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The session's cookies for the gateway, to send a request the browser itself would not. */
    public Map<String, String> cookies() {
        Map<String, String> cookies = new HashMap<>();
        driver.manage().getCookies().forEach(c -> cookies.put(c.getName(), c.getValue()));
        return cookies;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
