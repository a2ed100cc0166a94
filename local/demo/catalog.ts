// Static reference data for the demo: markets, names, addresses, the product catalogue and the team.
// Kept small and hand-written so the data set reads like a real European retailer with a B2B arm.

export type Lang = 'de' | 'fr' | 'nl' | 'es' | 'it' | 'en';

export interface Market {
  code: string;
  /** Share of customers. */
  weight: number;
  currency: 'EUR' | 'GBP' | 'USD' | 'CHF';
  /** Sales tax or VAT rate applied to the net amount. */
  taxRate: number;
  langs: readonly Lang[];
  /** City and a postal-code template (`#` digit, `@` letter). */
  cities: readonly (readonly [string, string])[];
  /** Phone templates, `#` for a random digit; always international so digits identify a person. */
  mobile: readonly string[];
  landline: readonly string[];
  legalForms: readonly string[];
}

export const MARKETS: readonly Market[] = [
  {
    code: 'DE', weight: 34, currency: 'EUR', taxRate: 0.19, langs: ['de'],
    cities: [['Berlin', '10###'], ['Hamburg', '20###'], ['München', '80###'], ['Köln', '50###'], ['Frankfurt am Main', '60###'], ['Stuttgart', '70###'], ['Leipzig', '04###'], ['Düsseldorf', '40###']],
    mobile: ['+49 151 ########', '+49 160 #######', '+49 170 #######', '+49 176 ########'],
    landline: ['+49 30 #######', '+49 40 #######', '+49 89 #######', '+49 221 #######'],
    legalForms: ['GmbH', 'AG', 'GmbH & Co. KG'],
  },
  {
    code: 'FR', weight: 15, currency: 'EUR', taxRate: 0.2, langs: ['fr'],
    cities: [['Paris', '750##'], ['Lyon', '6900#'], ['Marseille', '130##'], ['Toulouse', '310##'], ['Lille', '590##'], ['Bordeaux', '330##'], ['Nantes', '440##']],
    mobile: ['+33 6 ## ## ## ##', '+33 7 ## ## ## ##'],
    landline: ['+33 1 ## ## ## ##', '+33 4 ## ## ## ##'],
    legalForms: ['SAS', 'SARL', 'SA'],
  },
  {
    code: 'NL', weight: 10, currency: 'EUR', taxRate: 0.21, langs: ['nl'],
    cities: [['Amsterdam', '10## @@'], ['Rotterdam', '30## @@'], ['Utrecht', '35## @@'], ['Den Haag', '25## @@'], ['Eindhoven', '56## @@']],
    mobile: ['+31 6 ########'],
    landline: ['+31 20 #######', '+31 10 #######'],
    legalForms: ['B.V.'],
  },
  {
    code: 'AT', weight: 6, currency: 'EUR', taxRate: 0.2, langs: ['de'],
    cities: [['Wien', '1###'], ['Graz', '80##'], ['Linz', '40##'], ['Salzburg', '50##'], ['Innsbruck', '60##']],
    mobile: ['+43 664 #######', '+43 676 #######'],
    landline: ['+43 1 #######'],
    legalForms: ['GmbH', 'AG'],
  },
  {
    code: 'ES', weight: 7, currency: 'EUR', taxRate: 0.21, langs: ['es'],
    cities: [['Madrid', '280##'], ['Barcelona', '080##'], ['Valencia', '460##'], ['Sevilla', '410##'], ['Bilbao', '480##']],
    mobile: ['+34 6## ### ###', '+34 7## ### ###'],
    landline: ['+34 91 ### ## ##', '+34 93 ### ## ##'],
    legalForms: ['S.L.', 'S.A.'],
  },
  {
    code: 'IT', weight: 7, currency: 'EUR', taxRate: 0.22, langs: ['it'],
    cities: [['Milano', '201##'], ['Roma', '001##'], ['Torino', '101##'], ['Bologna', '401##'], ['Napoli', '801##']],
    mobile: ['+39 3## ### ####'],
    landline: ['+39 02 ########', '+39 06 ########'],
    legalForms: ['S.r.l.', 'S.p.A.'],
  },
  {
    code: 'BE', weight: 4, currency: 'EUR', taxRate: 0.21, langs: ['fr', 'nl'],
    cities: [['Bruxelles', '10##'], ['Antwerpen', '20##'], ['Gent', '90##'], ['Liège', '40##']],
    mobile: ['+32 47# ## ## ##', '+32 49# ## ## ##'],
    landline: ['+32 2 ### ## ##'],
    legalForms: ['BV', 'SA'],
  },
  {
    code: 'GB', weight: 8, currency: 'GBP', taxRate: 0.2, langs: ['en'],
    cities: [['London', 'EC# #@@'], ['Manchester', 'M# #@@'], ['Birmingham', 'B# #@@'], ['Leeds', 'LS# #@@'], ['Bristol', 'BS# #@@']],
    mobile: ['+44 7### ######'],
    landline: ['+44 20 #### ####', '+44 161 ### ####'],
    legalForms: ['Ltd', 'PLC'],
  },
  {
    code: 'US', weight: 5, currency: 'USD', taxRate: 0.07, langs: ['en'],
    cities: [['New York', '100##'], ['Chicago', '606##'], ['San Francisco', '941##'], ['Austin', '787##'], ['Boston', '021##']],
    mobile: ['+1 (2##) ###-####', '+1 (3##) ###-####', '+1 (6##) ###-####'],
    landline: ['+1 (4##) ###-####', '+1 (7##) ###-####'],
    legalForms: ['Inc.', 'LLC', 'Corp.'],
  },
  {
    code: 'CH', weight: 4, currency: 'CHF', taxRate: 0.081, langs: ['de', 'fr'],
    cities: [['Zürich', '80##'], ['Genève', '12##'], ['Basel', '40##'], ['Bern', '30##'], ['Lausanne', '10##']],
    mobile: ['+41 7# ### ## ##'],
    landline: ['+41 44 ### ## ##', '+41 22 ### ## ##'],
    legalForms: ['AG', 'GmbH', 'SA'],
  },
];

/** Price of one EUR in each currency (list prices are set in EUR and converted). */
export const EUR_RATE: Record<Market['currency'], number> = { EUR: 1, GBP: 0.86, USD: 1.09, CHF: 0.95 };

export const FIRST_NAMES: Record<Lang, readonly string[]> = {
  de: ['Anna', 'Lena', 'Sophie', 'Marie', 'Laura', 'Julia', 'Katharina', 'Sarah', 'Lisa', 'Hannah', 'Sabine', 'Petra', 'Claudia', 'Lukas', 'Leon', 'Jonas', 'Felix', 'Paul', 'Maximilian', 'Tobias', 'Jan', 'Florian', 'Stefan', 'Michael', 'Thomas', 'Andreas', 'Jürgen', 'Markus'],
  fr: ['Camille', 'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Julie', 'Claire', 'Élodie', 'Isabelle', 'Nathalie', 'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Nicolas', 'Julien', 'Antoine', 'Mathieu', 'Pierre', 'Sébastien'],
  nl: ['Emma', 'Julia', 'Sanne', 'Fleur', 'Lotte', 'Anouk', 'Eva', 'Femke', 'Noor', 'Daan', 'Sem', 'Bram', 'Thijs', 'Jesse', 'Ruben', 'Lars', 'Pieter', 'Willem'],
  es: ['Lucía', 'María', 'Paula', 'Marta', 'Sofía', 'Carmen', 'Elena', 'Alba', 'Sara', 'Hugo', 'Pablo', 'Alejandro', 'Daniel', 'Javier', 'David', 'Adrián', 'Diego', 'Carlos', 'Sergio', 'José', 'Manuel'],
  it: ['Giulia', 'Sofia', 'Aurora', 'Alice', 'Chiara', 'Francesca', 'Martina', 'Sara', 'Elena', 'Leonardo', 'Francesco', 'Alessandro', 'Lorenzo', 'Mattia', 'Andrea', 'Marco', 'Luca', 'Matteo', 'Giuseppe', 'Davide'],
  en: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Grace', 'Chloe', 'Jessica', 'Sarah', 'Jennifer', 'Oliver', 'George', 'Harry', 'Jack', 'Jacob', 'Noah', 'Charlie', 'James', 'William', 'Daniel', 'Michael', 'David', 'Robert'],
};

export const LAST_NAMES: Record<Lang, readonly string[]> = {
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Köhler', 'Maier'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'Mercier'],
  nl: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer'],
  es: ['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Navarro', 'Torres'],
  it: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti'],
  en: ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson', 'Roberts', 'Walker', 'Wright', 'Robinson', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green', 'Hall', 'Miller', 'Anderson', 'Clark'],
};

/** Street formats per language: `{s}` street name, `{n}` house number. */
export const STREETS: Record<Lang, { format: string; names: readonly string[] }> = {
  de: { format: '{s} {n}', names: ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Lindenallee', 'Schulstraße', 'Bergstraße', 'Kirchplatz', 'Rosenweg', 'Goethestraße', 'Am Markt'] },
  fr: { format: '{n} {s}', names: ['rue de la République', 'avenue Victor Hugo', 'boulevard Voltaire', 'rue des Lilas', 'place du Marché', 'rue Pasteur', 'allée des Tilleuls'] },
  nl: { format: '{s} {n}', names: ['Kerkstraat', 'Dorpsstraat', 'Molenweg', 'Stationsweg', 'Prinsengracht', 'Julianalaan', 'Beukenlaan'] },
  es: { format: '{s}, {n}', names: ['Calle Mayor', 'Avenida de la Constitución', 'Calle del Sol', 'Paseo de Gracia', 'Calle de Alcalá', 'Plaza de España'] },
  it: { format: '{s} {n}', names: ['Via Roma', 'Via Garibaldi', 'Corso Italia', 'Via Dante', 'Piazza Verdi', 'Via Mazzini', 'Viale Europa'] },
  en: { format: '{n} {s}', names: ['High Street', 'Station Road', 'Church Lane', 'Main Street', 'Park Avenue', 'Oak Street', 'Victoria Road', 'Mill Lane'] },
};

export const COMPANY_WORDS = ['Nordwind', 'Blauberg', 'Alpen', 'Rheinland', 'Hansa', 'Atlas', 'Orion', 'Vega', 'Lumen', 'Meridian', 'Kestrel', 'Falcon', 'Cedar', 'Riverstone', 'Brightwater', 'Silverline', 'Greenfield', 'Ironbridge', 'Oakridge', 'Bellevue', 'Azur', 'Soleil', 'Tulip', 'Delta', 'Molen', 'Mistral', 'Aurora', 'Vittoria', 'Levante', 'Polaris', 'Nova', 'Summit', 'Harbor', 'Pioneer', 'Evergreen', 'Crescent', 'Beacon', 'Granite', 'Linden', 'Sirius'] as const;

/** Industries and the nouns companies in them put in their names. */
export const INDUSTRIES: readonly (readonly [string, readonly string[]])[] = [
  ['Logistics', ['Logistics', 'Freight', 'Transport']],
  ['Retail', ['Retail', 'Stores', 'Trading']],
  ['Manufacturing', ['Manufacturing', 'Werke', 'Industries']],
  ['Software', ['Software', 'Systems', 'Digital']],
  ['Healthcare', ['Health', 'Medical', 'Care']],
  ['Financial Services', ['Finance', 'Capital', 'Invest']],
  ['Hospitality', ['Hotels', 'Hospitality', 'Dining']],
  ['Education', ['Academy', 'Learning', 'Education']],
  ['Construction', ['Construction', 'Bau', 'Builders']],
  ['Professional Services', ['Consulting', 'Advisory', 'Partners']],
  ['Media', ['Media', 'Studios', 'Publishing']],
  ['Energy', ['Energy', 'Power', 'Solar']],
];

export const CONTACT_TITLES = ['Managing Director', 'Head of Purchasing', 'IT Manager', 'Office Manager', 'CFO', 'Procurement Specialist', 'Operations Manager', 'Head of IT', 'Facility Manager', 'Assistant to the CEO'] as const;

export interface Product {
  sku: string;
  name: string;
  category: string;
  /** List price in EUR cents, net of tax. */
  price: number;
  segment: 'consumer' | 'business';
  /** Relative popularity; gifts sell more in Q4. */
  weight: number;
  gift?: boolean;
  /** Sold per seat or unit in bulk to companies. */
  bulk?: boolean;
  /** Bought once and kept: a consumer does not buy it twice. */
  durable?: boolean;
  /** What owners of this product go on to buy (co-purchase structure the recommender can learn). */
  leadsTo?: readonly string[];
}

export const PRODUCTS: readonly Product[] = [
  { sku: 'AUD-HP-ANC200', name: 'ANC 200 noise-cancelling headphones', category: 'audio', price: 19900, segment: 'consumer', weight: 8, gift: true, durable: true, leadsTo: ['ACC-CBL-USBC', 'ACC-PWR-20K', 'SVC-WARRANTY-2Y'] },
  { sku: 'AUD-EB-PRO', name: 'Earbuds Pro', category: 'audio', price: 12900, segment: 'consumer', weight: 10, gift: true, durable: true, leadsTo: ['ACC-CHG-65W', 'AUD-SPK-MINI'] },
  { sku: 'AUD-SPK-MINI', name: 'Mini Bluetooth speaker', category: 'audio', price: 5990, segment: 'consumer', weight: 9, gift: true, durable: true, leadsTo: ['ACC-PWR-20K', 'AUD-EB-PRO'] },
  { sku: 'WEA-WATCH-S2', name: 'Smartwatch S2', category: 'wearables', price: 24900, segment: 'consumer', weight: 5, gift: true, durable: true, leadsTo: ['ACC-CHG-65W', 'SVC-WARRANTY-2Y', 'AUD-EB-PRO'] },
  { sku: 'WEA-BAND-FIT', name: 'Fitness band', category: 'wearables', price: 7990, segment: 'consumer', weight: 6, gift: true, durable: true, leadsTo: ['WEA-WATCH-S2', 'AUD-EB-PRO'] },
  { sku: 'TAB-10-64GB', name: 'Tablet 10" 64 GB', category: 'tablets', price: 32900, segment: 'consumer', weight: 4, gift: true, durable: true, leadsTo: ['ACC-CASE-TAB', 'ACC-CHG-65W', 'SVC-WARRANTY-2Y'] },
  { sku: 'ERD-PAPER-7', name: 'E-reader Paper 7"', category: 'tablets', price: 13900, segment: 'consumer', weight: 4, gift: true, durable: true, leadsTo: ['GFT-CARD-50', 'HOM-LAMP-DESK'] },
  { sku: 'ACC-CHG-65W', name: '65 W USB-C charger', category: 'accessories', price: 3490, segment: 'consumer', weight: 14, leadsTo: ['ACC-CBL-USBC'] },
  { sku: 'ACC-CBL-USBC', name: 'USB-C cable 2 m', category: 'accessories', price: 1299, segment: 'consumer', weight: 18 },
  { sku: 'ACC-CASE-TAB', name: 'Tablet case', category: 'accessories', price: 2990, segment: 'consumer', weight: 8, durable: true },
  { sku: 'ACC-PWR-20K', name: 'Power bank 20,000 mAh', category: 'accessories', price: 4490, segment: 'consumer', weight: 9, gift: true, leadsTo: ['ACC-CBL-USBC'] },
  { sku: 'HOM-LAMP-DESK', name: 'LED desk lamp', category: 'home', price: 4990, segment: 'consumer', weight: 6, durable: true, leadsTo: ['HOM-CAM-INDOOR'] },
  { sku: 'HOM-CAM-INDOOR', name: 'Indoor security camera', category: 'home', price: 6990, segment: 'consumer', weight: 5, durable: true, leadsTo: ['HOM-LAMP-DESK', 'ACC-CBL-USBC'] },
  { sku: 'PC-KBD-WL', name: 'Wireless keyboard', category: 'pc', price: 7900, segment: 'consumer', weight: 7, durable: true, leadsTo: ['PC-MSE-WL', 'PC-MON-24'] },
  { sku: 'PC-MSE-WL', name: 'Wireless mouse', category: 'pc', price: 3990, segment: 'consumer', weight: 9, durable: true, leadsTo: ['PC-KBD-WL', 'PC-CAM-HD'] },
  { sku: 'PC-MON-24', name: '24" monitor', category: 'pc', price: 21900, segment: 'consumer', weight: 4, durable: true, leadsTo: ['PC-CAM-HD', 'PC-KBD-WL', 'PC-MSE-WL'] },
  { sku: 'PC-CAM-HD', name: 'HD webcam', category: 'pc', price: 6900, segment: 'consumer', weight: 5, durable: true, leadsTo: ['PC-MON-24', 'AUD-HP-ANC200'] },
  { sku: 'GFT-CARD-50', name: 'Gift card 50', category: 'gifts', price: 5000, segment: 'consumer', weight: 3, gift: true },
  { sku: 'SVC-WARRANTY-2Y', name: '2-year extended warranty', category: 'services', price: 2900, segment: 'consumer', weight: 5 },
  { sku: 'BIZ-HS-DUO', name: 'Business headset Duo', category: 'business', price: 14900, segment: 'business', weight: 8, bulk: true, leadsTo: ['BIZ-CONF-CAM'] },
  { sku: 'BIZ-DOCK-USB4', name: 'USB4 docking station', category: 'business', price: 22900, segment: 'business', weight: 8, bulk: true, leadsTo: ['BIZ-MON-27', 'BIZ-KBD-SET'] },
  { sku: 'BIZ-MON-27', name: '27" business monitor', category: 'business', price: 32900, segment: 'business', weight: 6, bulk: true, leadsTo: ['BIZ-DOCK-USB4'] },
  { sku: 'BIZ-CONF-CAM', name: 'Conference room camera', category: 'business', price: 89900, segment: 'business', weight: 3, durable: true, leadsTo: ['BIZ-SETUP-ONSITE'] },
  { sku: 'BIZ-MDM-SEAT', name: 'Device management seat (year)', category: 'business', price: 4800, segment: 'business', weight: 6, bulk: true },
  { sku: 'BIZ-SETUP-ONSITE', name: 'On-site setup service', category: 'business', price: 65000, segment: 'business', weight: 2, leadsTo: ['BIZ-MDM-SEAT'] },
  { sku: 'BIZ-KBD-SET', name: 'Keyboard and mouse set', category: 'business', price: 9900, segment: 'business', weight: 5, bulk: true, leadsTo: ['BIZ-DOCK-USB4'] },
];

/** The sales team: `book` is the share of accounts, `skill` scales win rates (for performance reports). */
export const SALES_REPS = [
  // pace scales the days a rep's deals spend in each stage; optimism the win probability the rep enters.
  { id: 'rep-01', book: 1.3, skill: 1.2, pace: 0.8, optimism: 1.0 },
  { id: 'rep-02', book: 1.2, skill: 1.05, pace: 1.0, optimism: 1.4 },
  { id: 'rep-03', book: 1.0, skill: 1.0, pace: 1.3, optimism: 0.8 },
  { id: 'rep-04', book: 1.0, skill: 0.95, pace: 1.0, optimism: 1.2 },
  { id: 'rep-05', book: 0.9, skill: 1.1, pace: 0.7, optimism: 0.9 },
  { id: 'rep-06', book: 0.9, skill: 0.85, pace: 1.5, optimism: 1.5 },
  { id: 'rep-07', book: 0.8, skill: 1.0, pace: 1.0, optimism: 1.0 },
  { id: 'rep-08', book: 0.6, skill: 0.8, pace: 1.2, optimism: 1.3 },
] as const;

/** The service desk: `pace` scales response and resolution times. */
export const SUPPORT_AGENTS = [
  { id: 'agent-01', pace: 0.8 },
  { id: 'agent-02', pace: 1.0 },
  { id: 'agent-03', pace: 1.0 },
  { id: 'agent-04', pace: 1.3 },
  { id: 'agent-05', pace: 0.9 },
] as const;

/** Lower-case ASCII for e-mail local parts and domains (Müller -> mueller, José -> jose). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '');
}

/** Fills a template: `#` a digit, `@` an upper-case letter. */
export function fillTemplate(template: string, digit: () => number, letter: () => number): string {
  return template.replace(/[#@]/g, (c) => (c === '#' ? String(digit()) : String.fromCharCode(65 + letter())));
}
