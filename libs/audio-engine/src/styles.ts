// Genre and mood profiles: the knowledge that turns prompt words into musical tendencies.
import type { ScaleName } from './theory.js';
import type { TimeSignature } from './types.js';

export type DrumGroove =
  | 'pop' | 'rock' | 'metal' | 'four' | 'trap' | 'boombap' | 'dnb' | 'jazz' | 'funk' | 'reggae' | 'dembow' | 'ballad'
  | 'orchestral' | 'none';
export type BassStyle = 'root8' | 'pop' | 'offbeat' | 'sub808' | 'walking' | 'funk' | 'reggae' | 'sustain' | 'rock16';
export type ChordStyle = 'pad' | 'block' | 'arp' | 'strum' | 'power' | 'skank' | 'comp' | 'stabs';
export type ChordColor = 'none' | 'sevenths' | 'lush' | 'power' | 'sus';

export interface GenreProfile {
  id: string;
  keywords: string[];
  tempo: [number, number];
  meters: [TimeSignature, number][];
  /** Probability of a minor key when the mood does not decide it. */
  minorBias: number;
  majorScales: ScaleName[];
  minorScales: ScaleName[];
  majorProgressions: string[];
  minorProgressions: string[];
  color: ChordColor;
  /** Bars each chord lasts (choices); 0.5 means two chords per bar. */
  chordBars: number[];
  /** Fraction of a step by which off-beat notes are delayed (0 = straight). */
  swing: number;
  swingUnit: 8 | 16;
  grooves: DrumGroove[];
  bassStyles: BassStyle[];
  chordStyles: ChordStyle[];
  kits: string[];
  basses: string[];
  chordInstruments: string[];
  leads: string[];
  reverb: number;
  sidechain: boolean;
  /** 0..1: how busy the lead line is. */
  melodyDensity: number;
  defaultMoods: string[];
}

const POP_MAJOR = ['I V vi IV', 'I vi IV V', 'vi IV I V', 'I IV vi V', 'IV I V vi', 'I V IV V', 'I iii IV V'];
const POP_MINOR = ['i bVI bIII bVII', 'i bVII bVI bVII', 'i iv bVI bVII', 'i bVI iv bVII', 'i bIII bVII iv', 'i iv i bVII'];

export const GENRES: GenreProfile[] = [
  {
    id: 'pop', keywords: ['pop', 'dance pop', 'synthpop', 'synth pop', 'k-pop', 'kpop', 'j-pop', 'ballad', 'indie pop', 'radio', 'catchy'],
    tempo: [92, 124], meters: [['4/4', 0.9], ['6/8', 0.06], ['3/4', 0.04]], minorBias: 0.35,
    majorScales: ['major', 'major pentatonic'], minorScales: ['natural minor', 'minor pentatonic'],
    majorProgressions: POP_MAJOR, minorProgressions: POP_MINOR, color: 'sus', chordBars: [1, 1, 2], swing: 0, swingUnit: 16,
    grooves: ['pop'], bassStyles: ['pop', 'root8'], chordStyles: ['block', 'pad', 'strum'],
    kits: ['acoustic drums', '909 drum machine'], basses: ['synth bass', 'electric bass'],
    chordInstruments: ['grand piano', 'warm pad', 'pluck synth', 'clean electric guitar'], leads: ['square lead', 'pluck', 'bell', 'saw lead'],
    reverb: 0.35, sidechain: false, melodyDensity: 0.55, defaultMoods: ['happy', 'romantic', 'energetic'],
  },
  {
    id: 'rock', keywords: ['rock', 'indie', 'alternative', 'grunge', 'punk', 'garage', 'guitar', 'britpop', 'emo', 'stadium', 'rock n roll'],
    tempo: [104, 150], meters: [['4/4', 0.92], ['6/8', 0.05], ['3/4', 0.03]], minorBias: 0.45,
    majorScales: ['major', 'mixolydian', 'major pentatonic'], minorScales: ['natural minor', 'minor pentatonic', 'dorian'],
    majorProgressions: ['I V vi IV', 'I IV V IV', 'I bVII IV I', 'I IV I V', 'vi IV I V', 'I V bVII IV'],
    minorProgressions: ['i bVII bVI bVII', 'i bVI bIII bVII', 'i iv bVII i', 'i bIII bVII iv', 'i bVII iv bVI'],
    color: 'none', chordBars: [1, 1, 0.5], swing: 0, swingUnit: 16,
    grooves: ['rock'], bassStyles: ['root8', 'rock16'], chordStyles: ['power', 'strum'],
    kits: ['rock drums'], basses: ['electric bass'], chordInstruments: ['distorted guitar', 'clean electric guitar'],
    leads: ['lead guitar', 'saw lead'], reverb: 0.25, sidechain: false, melodyDensity: 0.55, defaultMoods: ['energetic', 'aggressive', 'happy'],
  },
  {
    id: 'metal', keywords: ['metal', 'heavy metal', 'thrash', 'djent', 'metalcore', 'doom', 'hardcore', 'death metal', 'black metal', 'shred'],
    tempo: [120, 190], meters: [['4/4', 0.85], ['6/8', 0.1], ['3/4', 0.05]], minorBias: 0.95,
    majorScales: ['mixolydian'], minorScales: ['phrygian', 'harmonic minor', 'natural minor'],
    majorProgressions: ['I bVII IV I', 'I bVI bVII I'],
    minorProgressions: ['i bII i bVII', 'i bVI bVII i', 'i bVII bVI v', 'i iv bVI v', 'i bII bVII i', 'i i bVI bVII'],
    color: 'power', chordBars: [1, 0.5], swing: 0, swingUnit: 16,
    grooves: ['metal'], bassStyles: ['rock16', 'root8'], chordStyles: ['power'],
    kits: ['heavy drums'], basses: ['electric bass'], chordInstruments: ['distorted guitar'], leads: ['lead guitar'],
    reverb: 0.2, sidechain: false, melodyDensity: 0.7, defaultMoods: ['aggressive', 'dark', 'epic'],
  },
  {
    id: 'jazz', keywords: ['jazz', 'jazzy', 'swing', 'bebop', 'bossa', 'bossa nova', 'smooth jazz', 'big band', 'lounge', 'cocktail', 'noir'],
    tempo: [88, 160], meters: [['4/4', 0.85], ['3/4', 0.15]], minorBias: 0.4,
    majorScales: ['major', 'lydian', 'mixolydian'], minorScales: ['dorian', 'harmonic minor'],
    majorProgressions: ['ii7 V7 Imaj7 Imaj7', 'Imaj7 vi7 ii7 V7', 'iii7 vi7 ii7 V7', 'Imaj7 IV7 iii7 VI7', 'Imaj7 bIII7 ii7 V7'],
    minorProgressions: ['iiø7 V7 i7 i7', 'i7 iv7 bVII7 bIIImaj7', 'i7 bVImaj7 iiø7 V7', 'i7 iv7 iiø7 V7'],
    color: 'sevenths', chordBars: [1, 1, 0.5], swing: 0.33, swingUnit: 8,
    grooves: ['jazz'], bassStyles: ['walking'], chordStyles: ['comp'],
    kits: ['jazz brushes'], basses: ['upright bass'], chordInstruments: ['electric piano', 'grand piano'],
    leads: ['vibraphone', 'brass', 'flute'], reverb: 0.3, sidechain: false, melodyDensity: 0.7, defaultMoods: ['calm', 'romantic', 'happy'],
  },
  {
    id: 'electronic', keywords: ['electronic', 'edm', 'house', 'deep house', 'techno', 'trance', 'dance', 'club', 'electro', 'synthwave', 'future bass', 'rave', 'progressive', 'disco house', 'eurodance', 'dubstep', 'synth'],
    tempo: [118, 132], meters: [['4/4', 1]], minorBias: 0.6,
    majorScales: ['major', 'lydian'], minorScales: ['natural minor', 'dorian', 'harmonic minor'],
    majorProgressions: POP_MAJOR, minorProgressions: [...POP_MINOR, 'i i bVI bVII', 'i v bVI iv'],
    color: 'sus', chordBars: [1, 2], swing: 0, swingUnit: 16,
    grooves: ['four'], bassStyles: ['offbeat', 'pop'], chordStyles: ['pad', 'stabs', 'arp'],
    kits: ['909 drum machine'], basses: ['synth bass', 'acid bass'], chordInstruments: ['supersaw', 'warm pad', 'pluck synth'],
    leads: ['saw lead', 'pluck', 'square lead'], reverb: 0.4, sidechain: true, melodyDensity: 0.6, defaultMoods: ['energetic', 'euphoric', 'dark'],
  },
  {
    id: 'drum and bass', keywords: ['drum and bass', 'drum n bass', 'drum & bass', 'dnb', 'd&b', 'jungle', 'liquid', 'breakbeat', 'neurofunk'],
    tempo: [165, 178], meters: [['4/4', 1]], minorBias: 0.75,
    majorScales: ['major', 'lydian'], minorScales: ['natural minor', 'dorian'],
    majorProgressions: ['I vi IV V', 'IV V iii vi', 'Imaj7 IVmaj7 Imaj7 IVmaj7'], minorProgressions: ['i bVI bIII bVII', 'i iv bVII bIII', 'i bVI iv v'],
    color: 'lush', chordBars: [2, 1], swing: 0, swingUnit: 16,
    grooves: ['dnb'], bassStyles: ['sustain', 'pop'], chordStyles: ['pad', 'arp'],
    kits: ['breakbeat drums'], basses: ['reese bass', 'sub bass'], chordInstruments: ['warm pad', 'electric piano'],
    leads: ['saw lead', 'bell', 'pluck'], reverb: 0.45, sidechain: false, melodyDensity: 0.45, defaultMoods: ['energetic', 'dark', 'dreamy'],
  },
  {
    id: 'hip hop', keywords: ['hip hop', 'hip-hop', 'hiphop', 'rap', 'boom bap', 'boombap', 'old school', 'g-funk', 'beat tape'],
    tempo: [80, 98], meters: [['4/4', 1]], minorBias: 0.7,
    majorScales: ['major', 'mixolydian'], minorScales: ['natural minor', 'dorian', 'minor pentatonic'],
    majorProgressions: ['Imaj7 vi7 ii7 V7', 'I IV vi V'], minorProgressions: ['i7 iv7 i7 iv7', 'i bVI bVII i', 'i7 bVImaj7 bVII iv7', 'i iv bVII bIII'],
    color: 'lush', chordBars: [1, 2], swing: 0.22, swingUnit: 16,
    grooves: ['boombap'], bassStyles: ['pop', 'sustain'], chordStyles: ['block', 'pad'],
    kits: ['boom bap drums'], basses: ['sub bass', 'electric bass'], chordInstruments: ['electric piano', 'grand piano', 'string ensemble'],
    leads: ['bell', 'flute', 'square lead'], reverb: 0.25, sidechain: false, melodyDensity: 0.4, defaultMoods: ['dark', 'calm', 'energetic'],
  },
  {
    id: 'trap', keywords: ['trap', 'drill', '808', 'phonk', 'cloud rap', 'mumble'],
    tempo: [130, 152], meters: [['4/4', 1]], minorBias: 0.88,
    majorScales: ['major'], minorScales: ['natural minor', 'harmonic minor', 'phrygian'],
    majorProgressions: ['I vi IV V', 'vi IV I V'], minorProgressions: ['i bVI bVII i', 'i iv bVI v', 'i bII i bVI', 'i bVI iv v', 'i i bVI bVII'],
    color: 'none', chordBars: [1, 2], swing: 0, swingUnit: 16,
    grooves: ['trap'], bassStyles: ['sub808'], chordStyles: ['pad', 'arp'],
    kits: ['808 drum machine'], basses: ['808 bass'], chordInstruments: ['warm pad', 'bell', 'string ensemble'],
    leads: ['bell', 'pluck', 'flute'], reverb: 0.35, sidechain: false, melodyDensity: 0.5, defaultMoods: ['dark', 'aggressive', 'energetic'],
  },
  {
    id: 'lofi', keywords: ['lofi', 'lo-fi', 'lo fi', 'chillhop', 'study', 'beats to', 'jazzhop', 'bedroom'],
    tempo: [70, 90], meters: [['4/4', 1]], minorBias: 0.5,
    majorScales: ['major', 'lydian'], minorScales: ['dorian', 'natural minor'],
    majorProgressions: ['Imaj7 vi7 ii7 V7', 'IVmaj7 iii7 ii7 Imaj7', 'ii7 V7 Imaj7 vi7', 'Imaj7 IVmaj7 iii7 vi7'],
    minorProgressions: ['i7 iv7 bVIImaj7 bIIImaj7', 'ii7 v7 i7 i7', 'i7 bVImaj7 iv7 v7', 'i7 iv7 i7 bVImaj7'],
    color: 'lush', chordBars: [1], swing: 0.25, swingUnit: 16,
    grooves: ['boombap'], bassStyles: ['sustain', 'pop'], chordStyles: ['block', 'pad'],
    kits: ['lofi drums'], basses: ['electric bass', 'sub bass'], chordInstruments: ['electric piano', 'grand piano'],
    leads: ['flute', 'vibraphone', 'bell'], reverb: 0.35, sidechain: false, melodyDensity: 0.4, defaultMoods: ['calm', 'dreamy', 'sad'],
  },
  {
    id: 'ambient', keywords: ['ambient', 'drone', 'soundscape', 'meditation', 'atmospheric', 'new age', 'space', 'spa', 'yoga', 'zen'],
    tempo: [60, 84], meters: [['4/4', 0.8], ['3/4', 0.2]], minorBias: 0.5,
    majorScales: ['lydian', 'major', 'major pentatonic'], minorScales: ['dorian', 'natural minor', 'minor pentatonic'],
    majorProgressions: ['I IV I IV', 'Imaj7 IVmaj7', 'I V vi IV', 'IV I V vi'], minorProgressions: ['i bVI i bVI', 'i bVII bVI bVII', 'i iv', 'i bIII bVII iv'],
    color: 'sus', chordBars: [2, 4], swing: 0, swingUnit: 16,
    grooves: ['none', 'ballad'], bassStyles: ['sustain'], chordStyles: ['pad', 'arp'],
    kits: ['soft percussion'], basses: ['sub bass'], chordInstruments: ['warm pad', 'string ensemble'],
    leads: ['bell', 'flute', 'vibraphone'], reverb: 0.8, sidechain: false, melodyDensity: 0.25, defaultMoods: ['calm', 'dreamy', 'dark'],
  },
  {
    id: 'classical', keywords: ['classical', 'orchestral', 'orchestra', 'symphonic', 'symphony', 'piano solo', 'baroque', 'cinematic', 'film score', 'soundtrack', 'strings', 'chamber', 'waltz', 'sonata', 'trailer'],
    tempo: [66, 120], meters: [['4/4', 0.55], ['3/4', 0.3], ['6/8', 0.15]], minorBias: 0.5,
    majorScales: ['major'], minorScales: ['harmonic minor', 'natural minor'],
    majorProgressions: ['I IV V I', 'I vi ii V', 'I V vi iii IV I IV V', 'I ii V I', 'IV V iii vi'],
    minorProgressions: ['i iv V i', 'i bVI iv V', 'i bVII bVI V', 'i iv bVII bIII bVI iiø7 V i', 'i bVI bIII V'],
    color: 'none', chordBars: [1, 2], swing: 0, swingUnit: 16,
    grooves: ['orchestral', 'none'], bassStyles: ['sustain'], chordStyles: ['arp', 'pad'],
    kits: ['orchestral percussion'], basses: ['cello section'], chordInstruments: ['string ensemble', 'grand piano'],
    leads: ['violin', 'flute', 'brass'], reverb: 0.6, sidechain: false, melodyDensity: 0.5, defaultMoods: ['epic', 'sad', 'romantic'],
  },
  {
    id: 'funk', keywords: ['funk', 'funky', 'disco', 'groove', 'groovy', 'motown', 'boogie', 'nu disco'],
    tempo: [98, 122], meters: [['4/4', 1]], minorBias: 0.5,
    majorScales: ['mixolydian', 'major pentatonic'], minorScales: ['dorian', 'minor pentatonic'],
    majorProgressions: ['I7 IV7 I7 IV7', 'I7 I7 IV7 V7', 'Imaj7 ii7 iii7 ii7'], minorProgressions: ['i7 IV7 i7 IV7', 'i7 i7 iv7 bVII7', 'i7 bVII7 bVI7 bVII7'],
    color: 'sevenths', chordBars: [1, 2], swing: 0.08, swingUnit: 16,
    grooves: ['funk'], bassStyles: ['funk'], chordStyles: ['stabs', 'skank'],
    kits: ['acoustic drums'], basses: ['electric bass', 'synth bass'], chordInstruments: ['clean electric guitar', 'organ', 'electric piano'],
    leads: ['brass', 'square lead'], reverb: 0.2, sidechain: false, melodyDensity: 0.6, defaultMoods: ['happy', 'energetic'],
  },
  {
    id: 'reggae', keywords: ['reggae', 'dub', 'ska', 'dancehall', 'rocksteady', 'roots', 'island'],
    tempo: [66, 90], meters: [['4/4', 1]], minorBias: 0.45,
    majorScales: ['major', 'mixolydian'], minorScales: ['dorian', 'natural minor'],
    majorProgressions: ['I IV V IV', 'I V vi IV', 'I IV I V'], minorProgressions: ['i iv i iv', 'i bVII i bVII', 'i bVI bVII i'],
    color: 'none', chordBars: [1, 2], swing: 0.15, swingUnit: 16,
    grooves: ['reggae'], bassStyles: ['reggae'], chordStyles: ['skank'],
    kits: ['acoustic drums'], basses: ['electric bass'], chordInstruments: ['organ', 'clean electric guitar'],
    leads: ['square lead', 'brass', 'flute'], reverb: 0.35, sidechain: false, melodyDensity: 0.45, defaultMoods: ['calm', 'happy'],
  },
  {
    id: 'latin', keywords: ['latin', 'reggaeton', 'salsa', 'cumbia', 'bachata', 'dembow', 'tropical', 'moombahton'],
    tempo: [88, 104], meters: [['4/4', 1]], minorBias: 0.6,
    majorScales: ['major'], minorScales: ['natural minor', 'harmonic minor'],
    majorProgressions: ['I V vi IV', 'vi IV I V'], minorProgressions: ['i bVI bIII bVII', 'i iv bVII bIII', 'i bVII bVI V'],
    color: 'none', chordBars: [1], swing: 0, swingUnit: 16,
    grooves: ['dembow'], bassStyles: ['pop'], chordStyles: ['stabs', 'pad'],
    kits: ['808 drum machine'], basses: ['808 bass', 'synth bass'], chordInstruments: ['pluck synth', 'acoustic guitar'],
    leads: ['pluck', 'flute'], reverb: 0.3, sidechain: false, melodyDensity: 0.55, defaultMoods: ['romantic', 'energetic'],
  },
  {
    id: 'folk', keywords: ['folk', 'country', 'acoustic', 'bluegrass', 'americana', 'singer-songwriter', 'campfire', 'western', 'celtic'],
    tempo: [84, 124], meters: [['4/4', 0.7], ['3/4', 0.18], ['6/8', 0.12]], minorBias: 0.3,
    majorScales: ['major', 'major pentatonic', 'mixolydian'], minorScales: ['natural minor', 'dorian'],
    majorProgressions: ['I IV V I', 'I V vi IV', 'I IV I V', 'vi IV I V', 'I iii IV V'], minorProgressions: ['i bVII bVI bVII', 'i bIII bVII i', 'i iv bVII bIII'],
    color: 'none', chordBars: [1, 2], swing: 0, swingUnit: 16,
    grooves: ['ballad', 'pop'], bassStyles: ['pop', 'root8'], chordStyles: ['strum'],
    kits: ['acoustic drums'], basses: ['electric bass', 'upright bass'], chordInstruments: ['acoustic guitar'],
    leads: ['violin', 'flute', 'lead guitar'], reverb: 0.3, sidechain: false, melodyDensity: 0.5, defaultMoods: ['happy', 'sad', 'romantic'],
  },
  {
    id: 'rnb', keywords: ['r&b', 'rnb', 'r and b', 'neo soul', 'neo-soul', 'soul', 'slow jam', 'gospel'],
    tempo: [64, 96], meters: [['4/4', 0.85], ['6/8', 0.15]], minorBias: 0.5,
    majorScales: ['major', 'lydian'], minorScales: ['dorian', 'natural minor'],
    majorProgressions: ['Imaj7 iii7 vi7 IVmaj7', 'IVmaj7 iii7 ii7 Imaj7', 'ii7 V7 Imaj7 vi7'], minorProgressions: ['i7 iv7 bVIImaj7 bIIImaj7', 'i7 bVImaj7 iv7 v7', 'ii7 v7 i7 i7'],
    color: 'lush', chordBars: [1, 2], swing: 0.15, swingUnit: 16,
    grooves: ['boombap', 'trap'], bassStyles: ['sustain', 'pop'], chordStyles: ['pad', 'block'],
    kits: ['808 drum machine', 'boom bap drums'], basses: ['sub bass', 'synth bass'], chordInstruments: ['electric piano', 'warm pad'],
    leads: ['bell', 'square lead'], reverb: 0.35, sidechain: false, melodyDensity: 0.5, defaultMoods: ['romantic', 'calm', 'sad'],
  },
  {
    id: 'blues', keywords: ['blues', 'bluesy', 'delta blues', 'shuffle', 'twelve bar', '12 bar'],
    tempo: [70, 124], meters: [['4/4', 0.85], ['6/8', 0.15]], minorBias: 0.3,
    majorScales: ['blues', 'mixolydian'], minorScales: ['blues', 'minor pentatonic'],
    majorProgressions: ['I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7', 'I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7'],
    minorProgressions: ['i7 i7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 V7'],
    color: 'none', chordBars: [1], swing: 0.33, swingUnit: 8,
    grooves: ['rock', 'ballad'], bassStyles: ['walking', 'root8'], chordStyles: ['comp', 'strum'],
    kits: ['acoustic drums'], basses: ['electric bass', 'upright bass'], chordInstruments: ['clean electric guitar', 'organ', 'grand piano'],
    leads: ['lead guitar', 'brass'], reverb: 0.3, sidechain: false, melodyDensity: 0.55, defaultMoods: ['sad', 'calm'],
  },
];

export interface MoodProfile {
  id: string;
  keywords: string[];
  /** Probability of minor; null leaves it to the genre. */
  minorProb: number | null;
  tempoScale: number;
  /** 0..1: density of drums, arrangement fullness. */
  energy: number;
  /** 0..1: filter brightness, cover lightness. */
  brightness: number;
}

export const MOODS: MoodProfile[] = [
  { id: 'happy', keywords: ['happy', 'joyful', 'joy', 'uplifting', 'cheerful', 'bright', 'sunny', 'fun', 'playful', 'upbeat', 'feel good', 'feel-good', 'positive', 'summer', 'celebration'], minorProb: 0, tempoScale: 1.06, energy: 0.7, brightness: 0.85 },
  { id: 'sad', keywords: ['sad', 'melancholic', 'melancholy', 'heartbreak', 'heartbroken', 'lonely', 'grief', 'tears', 'sorrow', 'somber', 'sombre', 'tragic', 'longing', 'bittersweet', 'crying', 'mournful', 'depressing'], minorProb: 1, tempoScale: 0.84, energy: 0.35, brightness: 0.35 },
  { id: 'energetic', keywords: ['energetic', 'energy', 'hype', 'powerful', 'intense', 'driving', 'party', 'pumping', 'explosive', 'banger', 'workout', 'adrenaline'], minorProb: null, tempoScale: 1.1, energy: 1, brightness: 0.75 },
  { id: 'aggressive', keywords: ['aggressive', 'angry', 'rage', 'furious', 'brutal', 'hard', 'fierce', 'violent'], minorProb: 0.9, tempoScale: 1.08, energy: 1, brightness: 0.6 },
  { id: 'calm', keywords: ['calm', 'chill', 'chilled', 'relaxed', 'relaxing', 'peaceful', 'soft', 'gentle', 'mellow', 'soothing', 'laid back', 'laid-back', 'serene', 'quiet', 'sleep', 'lullaby', 'cozy'], minorProb: null, tempoScale: 0.88, energy: 0.3, brightness: 0.5 },
  { id: 'dark', keywords: ['dark', 'ominous', 'sinister', 'haunting', 'mysterious', 'eerie', 'spooky', 'gloomy', 'menacing', 'horror', 'villain'], minorProb: 1, tempoScale: 0.96, energy: 0.55, brightness: 0.25 },
  { id: 'romantic', keywords: ['romantic', 'love', 'tender', 'sensual', 'intimate', 'sweet', 'valentine', 'wedding'], minorProb: 0.3, tempoScale: 0.92, energy: 0.45, brightness: 0.6 },
  { id: 'epic', keywords: ['epic', 'heroic', 'triumphant', 'anthem', 'anthemic', 'majestic', 'grand', 'inspiring', 'inspirational', 'victory', 'battle'], minorProb: 0.5, tempoScale: 1.0, energy: 0.9, brightness: 0.7 },
  { id: 'dreamy', keywords: ['dreamy', 'ethereal', 'floaty', 'nostalgic', 'hazy', 'wistful', 'spacey', 'dream', 'magical', 'whimsical'], minorProb: 0.45, tempoScale: 0.92, energy: 0.4, brightness: 0.6 },
  { id: 'euphoric', keywords: ['euphoric', 'euphoria', 'ecstatic', 'festival', 'anthemic drop'], minorProb: 0.1, tempoScale: 1.04, energy: 0.95, brightness: 0.9 },
];

/** Instrument words in the prompt that override the genre's default choice for a role. */
export const INSTRUMENT_WORDS: { words: string[]; role: 'chords' | 'lead' | 'bass'; instrument: string }[] = [
  { words: ['piano', 'grand piano', 'piano ballad', 'keys'], role: 'chords', instrument: 'grand piano' },
  { words: ['rhodes', 'electric piano', 'wurlitzer', 'e-piano'], role: 'chords', instrument: 'electric piano' },
  { words: ['acoustic guitar', 'strummed', 'strumming', 'ukulele'], role: 'chords', instrument: 'acoustic guitar' },
  { words: ['electric guitar', 'clean guitar', 'jangly'], role: 'chords', instrument: 'clean electric guitar' },
  { words: ['distorted', 'distortion', 'power chords', 'riff', 'riffs'], role: 'chords', instrument: 'distorted guitar' },
  { words: ['strings', 'string section', 'orchestral strings'], role: 'chords', instrument: 'string ensemble' },
  { words: ['organ', 'hammond'], role: 'chords', instrument: 'organ' },
  { words: ['pads', 'pad', 'synth pads'], role: 'chords', instrument: 'warm pad' },
  { words: ['supersaw', 'trance'], role: 'chords', instrument: 'supersaw' },
  { words: ['saxophone', 'sax', 'trumpet', 'horns', 'horn section', 'brass'], role: 'lead', instrument: 'brass' },
  { words: ['flute', 'pan flute', 'woodwind'], role: 'lead', instrument: 'flute' },
  { words: ['violin', 'fiddle'], role: 'lead', instrument: 'violin' },
  { words: ['bells', 'bell', 'music box', 'glockenspiel', 'celesta'], role: 'lead', instrument: 'bell' },
  { words: ['vibraphone', 'vibes', 'marimba'], role: 'lead', instrument: 'vibraphone' },
  { words: ['guitar solo', 'lead guitar', 'shredding'], role: 'lead', instrument: 'lead guitar' },
  { words: ['808', '808s', '808 bass'], role: 'bass', instrument: '808 bass' },
  { words: ['upright bass', 'double bass', 'contrabass'], role: 'bass', instrument: 'upright bass' },
  { words: ['acid', '303', 'tb-303'], role: 'bass', instrument: 'acid bass' },
  { words: ['reese'], role: 'bass', instrument: 'reese bass' },
];

/** Accompaniment styles each kind of chord instrument can play convincingly (first = fallback). */
export const CHORD_STYLE_FIT: Record<string, ChordStyle[]> = {
  'grand piano': ['block', 'arp', 'comp', 'pad', 'stabs'],
  'electric piano': ['block', 'comp', 'pad', 'stabs', 'skank', 'arp'],
  'pluck synth': ['stabs', 'arp', 'block', 'skank'],
  bell: ['arp', 'block', 'pad'],
  'warm pad': ['pad'],
  'string ensemble': ['pad', 'block'],
  supersaw: ['pad', 'stabs'],
  organ: ['pad', 'skank', 'block', 'stabs', 'comp'],
  'acoustic guitar': ['strum', 'arp'],
  'clean electric guitar': ['strum', 'skank', 'stabs', 'comp', 'arp'],
  'distorted guitar': ['power'],
};

export const SLOW_WORDS = ['slow', 'slowly', 'ballad', 'downtempo', 'lullaby', 'sluggish', 'half time', 'half-time'];
export const FAST_WORDS = ['fast', 'uptempo', 'up-tempo', 'rapid', 'quick', 'speedy', 'frantic', 'high tempo', 'high-energy'];
export const FEMALE_WORDS = ['female', 'woman', 'women', 'girl', 'soprano', 'alto', 'diva', 'her voice'];
export const MALE_WORDS = ['male', 'man', 'men', 'boy', 'baritone', 'tenor', 'his voice'];
export const INSTRUMENTAL_WORDS = ['instrumental', 'no vocals', 'no vocal', 'without vocals', 'no singing', 'no voice'];

export function genreById(id: string): GenreProfile {
  return GENRES.find((g) => g.id === id) ?? GENRES[0]!;
}

export function moodById(id: string): MoodProfile {
  return MOODS.find((m) => m.id === id) ?? { id, keywords: [], minorProb: null, tempoScale: 1, energy: 0.6, brightness: 0.6 };
}
