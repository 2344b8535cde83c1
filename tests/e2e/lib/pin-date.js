// Replaces `Date` in the global scope it runs in with one `offsetMs` ahead of the machine's clock
// (`new Date()` and `Date.now()` both; the machine's time stays at `self.realNow()`). The test
// clock (`clock.mjs`) hands it to Chromium's worker and to pages; the test builds' background
// (`background-for-tests.js`) defines it in its own realm for Firefox, where a function handed in from
// a tab dies with the tab. It runs in the browser, so it refers to nothing outside itself.
export function pinDate(offsetMs) {
  self.RealDate ??= Date;
  const RealDate = self.RealDate;
  self.realNow = () => RealDate.now();
  self.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length > 0 ? args : [RealDate.now() + offsetMs]));
    }

    static now() {
      return RealDate.now() + offsetMs;
    }
  };
}
