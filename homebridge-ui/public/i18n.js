/**
 * English and Japanese. The language follows the browser (Japanese when it prefers Japanese), the
 * toggle overrides it, and the choice is remembered in this browser only.
 */
const STRINGS = {
  en: {
    title: 'ECHONET HEMS',
    tabDashboard: 'Energy',
    tabSetup: 'Setup',
    langToggle: '日本語',
    // dashboard
    updated: 'Updated {age} ago',
    stale: 'The plugin has not updated its status for {age}: is Homebridge running?',
    noStatus: 'No data from the plugin yet. Once the plugin runs (after saving the setup and restarting Homebridge) its status appears here within a minute.',
    badStatus: 'The status file could not be read: {detail}',
    flow: 'Power now',
    grid: 'Grid',
    buying: 'buying',
    selling: 'selling',
    solar: 'Solar',
    home: 'Home',
    battery: 'Battery',
    ev: 'EV',
    ecocute: 'EcoCute',
    charging: 'charging',
    discharging: 'discharging',
    idle: 'idle',
    heating: 'heating',
    notHeating: 'not heating',
    tank: 'tank {temp}',
    hotWater: '{litres} hot water',
    noReading: 'no reading',
    vehicle: {
      not_connected: 'car not connected',
      connected: 'car connected',
      chargeable: 'car connected',
      dischargeable: 'car connected',
      chargeable_dischargeable: 'car connected',
      status_unknown: 'car status unknown',
      undefined: 'car status unknown',
    },
    chartTitle: 'Today, every 30 minutes (kWh)',
    consumption: 'Consumption',
    generation: 'Generation',
    bought: 'Bought',
    sold: 'Sold',
    backfilled: 'Back-filled from the meter',
    missing: 'Missing',
    chartEmpty: 'No half-hour has finished yet today.',
    money: 'Cost and CO₂',
    today: 'Today',
    thisMonth: 'This month',
    lastMonthToDate: 'Last month, same days',
    lastMonth: 'Last month',
    cost: 'Bought for',
    earned: 'Sold for',
    co2: 'CO₂',
    moreThanLastMonth: 'Net cost {yen} more than the same days last month',
    lessThanLastMonth: 'Net cost {yen} less than the same days last month',
    noTariff: 'Choose a tariff in Setup to see costs.',
    scheduler: 'Solar plan for today',
    noPlan: 'The scheduler has not made a plan yet.',
    nothingPlanned: 'Nothing planned today.',
    allowed: 'allowed',
    blocked: 'blocked',
    action: { heat: 'heat (沸き増し)', charge: 'charge', discharge: 'discharge', standby: 'standby', auto: 'automatic' },
    device: { ecocute: 'EcoCute', battery: 'Battery', ev: 'EV' },
    shortfalls: 'Targets the plan cannot meet',
    weather: 'Weather',
    noWeather: 'No forecast yet.',
    weatherClass: { sunny: 'sunny', cloudy: 'cloudy', rain: 'rain', snow: 'snow', unknown: 'unknown' },
    tomorrow: 'Tomorrow',
    pop: '{pct} chance of rain',
    noWarnings: 'No weather warnings.',
    warnings: 'Warnings',
    completeness: 'Data completeness',
    completenessText: '{finished} half-hours so far today: {live} recorded live, {backfill} back-filled from the meter, {missing} missing.',
    devices: 'Devices',
    online: 'online',
    offline: 'not answering',
    // wizard
    setupIntro: 'Connect the smart meter and the ECHONET Lite devices, then save. Every step can be skipped.',
    meterStep: '1. Smart meter (B-route)',
    port: 'Wi-SUN dongle',
    refresh: 'Refresh',
    noPorts: 'No serial ports found. Plug in the Wi-SUN dongle and press Refresh.',
    usbIds: 'USB {vendor}:{product}',
    serial: 'serial {serial}',
    notUsb: 'not USB',
    useStable: 'Saves the stable name {path}',
    brouteId: 'B-route ID (32 characters)',
    broutePassword: 'B-route password (12 characters)',
    brouteHelp: 'From the B-route service letter of your electricity company.',
    testMeter: 'Test the connection',
    testing: 'Testing…',
    testOk: 'The meter answered: {power} now, {bought} bought in total.',
    testFailed: 'The test failed',
    lanStep: '2. ECHONET Lite devices on the LAN',
    iface: 'This machine’s address on the devices’ network',
    allInterfaces: 'All interfaces',
    loopback: 'loopback',
    search: 'Search',
    searching: 'Searching…',
    found: '{n} devices found. Tick the ones to show in HomeKit and name them.',
    noneFound: 'No device answered. Check that they are on the same network and that ECHONET Lite is enabled in their apps.',
    use: 'Use',
    name: 'Name',
    kind: { meter: 'Smart meter', solar: 'Solar', 'water-heater': 'EcoCute', 'ev-charger': 'EV charger', battery: 'Battery' },
    notModelled: 'not supported',
    optionsStep: '3. Tariff and forecast',
    purchaseMode: 'How your solar power is bought',
    surplus: 'Surplus (余剰買取): the home uses it first, the rest is sold',
    full: 'Full (全量買取): all of it is sold',
    tariff: 'Electricity plan',
    noTariffChoice: '(not set)',
    office: 'Forecast region (JMA office)',
    area: 'Forecast area code (optional)',
    areaHelp: 'Six digits from the JMA forecast page, e.g. 130010 for Tokyo; empty uses the region’s first area.',
    save: 'Save',
    saved: 'Saved. Restart Homebridge (or the plugin’s child bridge) to apply.',
    saveFailed: 'Saving failed',
    schemaForm: 'Use the plain settings form',
    invalidId: 'The B-route ID must be 32 letters and digits (0-9, A-F).',
    invalidPassword: 'The B-route password must be 12 letters and digits.',
    invalidArea: 'The area code must be six digits.',
  },
  ja: {
    title: 'ECHONET HEMS',
    tabDashboard: 'エネルギー',
    tabSetup: '設定',
    langToggle: 'English',
    updated: '{age}前に更新',
    stale: 'プラグインの状態が{age}更新されていません。Homebridgeは動作していますか？',
    noStatus: 'プラグインからのデータはまだありません。設定を保存してHomebridgeを再起動すると、1分以内にここに表示されます。',
    badStatus: '状態ファイルを読み込めませんでした：{detail}',
    flow: '現在の電力',
    grid: '系統',
    buying: '買電中',
    selling: '売電中',
    solar: '太陽光',
    home: '家庭',
    battery: '蓄電池',
    ev: 'EV',
    ecocute: 'エコキュート',
    charging: '充電中',
    discharging: '放電中',
    idle: '待機',
    heating: '沸き上げ中',
    notHeating: '停止中',
    tank: 'タンク {temp}',
    hotWater: '残湯 {litres}',
    noReading: '値なし',
    vehicle: {
      not_connected: '車両未接続',
      connected: '車両接続中',
      chargeable: '車両接続中',
      dischargeable: '車両接続中',
      chargeable_dischargeable: '車両接続中',
      status_unknown: '車両状態不明',
      undefined: '車両状態不明',
    },
    chartTitle: '今日の30分ごとの電力量（kWh）',
    consumption: '消費',
    generation: '発電',
    bought: '買電',
    sold: '売電',
    backfilled: 'メーターから補完',
    missing: '欠測',
    chartEmpty: '今日はまだ30分のコマが終わっていません。',
    money: '電気代とCO₂',
    today: '今日',
    thisMonth: '今月',
    lastMonthToDate: '先月の同じ期間',
    lastMonth: '先月',
    cost: '買電額',
    earned: '売電額',
    co2: 'CO₂',
    moreThanLastMonth: '正味の電気代は先月の同じ期間より{yen}高くなっています',
    lessThanLastMonth: '正味の電気代は先月の同じ期間より{yen}安くなっています',
    noTariff: '設定で料金プランを選ぶと電気代が表示されます。',
    scheduler: '今日の太陽光活用計画',
    noPlan: 'スケジューラーはまだ計画を立てていません。',
    nothingPlanned: '今日の予定はありません。',
    allowed: '実行可',
    blocked: '見送り',
    action: { heat: '沸き増し', charge: '充電', discharge: '放電', standby: '待機', auto: '自動' },
    device: { ecocute: 'エコキュート', battery: '蓄電池', ev: 'EV' },
    shortfalls: '計画で達成できない目標',
    weather: '天気',
    noWeather: '予報はまだありません。',
    weatherClass: { sunny: '晴れ', cloudy: 'くもり', rain: '雨', snow: '雪', unknown: '不明' },
    tomorrow: '明日',
    pop: '降水確率 {pct}',
    noWarnings: '警報・注意報はありません。',
    warnings: 'お知らせ',
    completeness: 'データの完全性',
    completenessText: '今日これまでの{finished}コマ：リアルタイム記録 {live}、メーターから補完 {backfill}、欠測 {missing}。',
    devices: '機器',
    online: '応答あり',
    offline: '応答なし',
    setupIntro: 'スマートメーターとECHONET Lite機器を接続して保存します。どの手順も省略できます。',
    meterStep: '1. スマートメーター（Bルート）',
    port: 'Wi-SUNドングル',
    refresh: '再読み込み',
    noPorts: 'シリアルポートが見つかりません。Wi-SUNドングルを挿して再読み込みしてください。',
    usbIds: 'USB {vendor}:{product}',
    serial: 'シリアル番号 {serial}',
    notUsb: 'USB以外',
    useStable: '固定名 {path} で保存します',
    brouteId: 'BルートID（32文字）',
    broutePassword: 'Bルートパスワード（12文字）',
    brouteHelp: '電力会社から届いたBルートサービスの通知書に記載されています。',
    testMeter: '接続テスト',
    testing: 'テスト中…',
    testOk: 'メーターが応答しました：現在 {power}、積算買電量 {bought}。',
    testFailed: 'テストに失敗しました',
    lanStep: '2. LAN上のECHONET Lite機器',
    iface: '機器と同じネットワークでのこの機械のアドレス',
    allInterfaces: 'すべてのインターフェース',
    loopback: 'ループバック',
    search: '検索',
    searching: '検索中…',
    found: '{n}台見つかりました。HomeKitに表示する機器にチェックを入れ、名前を付けてください。',
    noneFound: '応答した機器はありません。同じネットワークにあるか、機器のアプリでECHONET Liteが有効か確認してください。',
    use: '使用',
    name: '名前',
    kind: { meter: 'スマートメーター', solar: '太陽光', 'water-heater': 'エコキュート', 'ev-charger': 'EV充電器', battery: '蓄電池' },
    notModelled: '非対応',
    optionsStep: '3. 料金プランと天気予報',
    purchaseMode: '太陽光の買取方式',
    surplus: '余剰買取：家で使った残りを売電',
    full: '全量買取：発電した全量を売電',
    tariff: '電気料金プラン',
    noTariffChoice: '（未設定）',
    office: '予報地域（気象台）',
    area: '予報区のコード（任意）',
    areaHelp: '気象庁の予報ページの6桁のコード（例：東京地方は130010）。空欄の場合は地域の最初の予報区を使います。',
    save: '保存',
    saved: '保存しました。反映するにはHomebridge（またはプラグインの子ブリッジ）を再起動してください。',
    saveFailed: '保存に失敗しました',
    schemaForm: '通常の設定フォームを使う',
    invalidId: 'BルートIDは英数字32文字（0-9、A-F）です。',
    invalidPassword: 'Bルートパスワードは英数字12文字です。',
    invalidArea: '予報区のコードは6桁の数字です。',
  },
};

const STORAGE_KEY = 'echonet-hems-lang';

function initial() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'ja') return saved;
  } catch {
    // storage can be blocked in a sandboxed frame: fall back to the browser's language
  }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  return prefs.some((l) => /^ja\b/i.test(l)) ? 'ja' : 'en';
}

let lang = initial();

export function currentLang() {
  return lang;
}

export function setLang(next) {
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered: the toggle still works for this visit
  }
}

/** A string by dotted key ('kind.solar'), with {name} placeholders filled in. */
export function t(key, vars = {}) {
  let value = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), STRINGS[lang]);
  if (typeof value !== 'string') value = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), STRINGS.en) ?? key;
  return String(value).replace(/\{(\w+)\}/g, (_, name) => (vars[name] === undefined ? `{${name}}` : String(vars[name])));
}

const nf = () => new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { maximumFractionDigits: 1 });

export const fmt = {
  w: (w) => (w === null || w === undefined ? '–' : Math.abs(w) >= 1000 ? `${nf().format(w / 1000)} kW` : `${Math.round(w)} W`),
  kwh: (x) => (x === null || x === undefined ? '–' : `${nf().format(x)} kWh`),
  yen: (x) => (x === null || x === undefined ? '–' : lang === 'ja' ? `${Math.round(x).toLocaleString('ja-JP')}円` : `¥${Math.round(x).toLocaleString('en-GB')}`),
  kg: (x) => (x === null || x === undefined ? '–' : `${nf().format(x)} kg`),
  pct: (x) => (x === null || x === undefined ? '–' : `${Math.round(x)}%`),
  temp: (x) => (x === null || x === undefined ? '–' : `${nf().format(x)}℃`),
  litres: (x) => (x === null || x === undefined ? '–' : `${Math.round(x)} L`),
  /** Local clock time in Japan, as the meter and the plan count half-hours. */
  time: (t) => new Intl.DateTimeFormat('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo', hourCycle: 'h23' }).format(t),
  age: (ms) => {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 90) return lang === 'ja' ? `${s}秒` : `${s} s`;
    const m = Math.round(s / 60);
    if (m < 90) return lang === 'ja' ? `${m}分` : `${m} min`;
    const h = Math.round(m / 60);
    return lang === 'ja' ? `${h}時間` : `${h} h`;
  },
};
