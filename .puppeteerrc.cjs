/** Puppeteer cannot download a browser here: tests launch Debian's /usr/bin/chromium. */
module.exports = { skipDownload: true };
