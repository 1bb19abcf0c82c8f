// Inputs that tokenise badly for a characters-per-token guess: lockfiles, hex, base64, digits,
// minified JS, CJK, emoji, next to ordinary prose and code. Seeded, so a failure replays.
import { bigFile, binaryText, minified } from './awkwardFiles';
import { rng } from './random';

export const TEXT_KINDS = [
  'prose',
  'code',
  'lockfile',
  'hex',
  'base64',
  'digits',
  'minified',
  'cjk',
  'emoji',
  'binary',
  'mixed',
] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

const WORDS = 'the of and to in is that for it as with was on be by this are from at or an have not which'.split(' ');
const CJK =
  '的一是不了人我在有他这为之大来以个中上们到说时国和地要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵拔灰奴陷拟荷雾跃';
const EMOJI = ['😀', '🚀', '👍🏽', '🇩🇪', '👨‍👩‍👧', '🧪', '✅', '🔥', '❤️', '🤖'];

type Next = () => number;
const pick = <T>(next: Next, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
const hexChars = (next: Next, n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
const base64 = (next: Next, n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return Array.from({ length: n }, () => alphabet[Math.floor(next() * 64)]).join('');
};

function prose(next: Next, size: number): string {
  let out = '';
  while (out.length < size) {
    const n = 6 + Math.floor(next() * 14);
    const sentence = Array.from({ length: n }, () => pick(next, WORDS)).join(' ');
    out += sentence[0]!.toUpperCase() + sentence.slice(1) + '. ';
  }
  return out.slice(0, size);
}

function lockfile(next: Next, size: number): string {
  let out = '{\n  "lockfileVersion": 3,\n  "packages": {\n';
  while (out.length < size) {
    const name = `${pick(next, WORDS)}-${hexChars(next, 4)}`;
    out +=
      `    "node_modules/${name}": {\n      "version": "${Math.floor(next() * 20)}.${Math.floor(next() * 50)}.${Math.floor(next() * 99)}",\n` +
      `      "resolved": "https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz",\n` +
      `      "integrity": "sha512-${base64(next, 86)}==",\n      "dev": true\n    },\n`;
  }
  return out.slice(0, size);
}

/** `size` characters of the given kind (UTF-16 code units; emoji and CJK are many bytes each). */
export function adversarialText(kind: TextKind, size: number, seed: number): string {
  const next = rng(seed);
  switch (kind) {
    case 'prose':
      return prose(next, size);
    case 'code':
      return bigFile(size);
    case 'lockfile':
      return lockfile(next, size);
    case 'hex':
      return Array.from({ length: Math.ceil(size / 65) }, () => hexChars(next, 64))
        .join('\n')
        .slice(0, size);
    case 'base64':
      return Array.from({ length: Math.ceil(size / 77) }, () => base64(next, 76))
        .join('\n')
        .slice(0, size);
    case 'digits':
      return Array.from({ length: Math.ceil(size / 12) }, () => String(Math.floor(next() * 1e11)).padStart(11, '0'))
        .join(next() < 0.5 ? ',' : ' ')
        .slice(0, size);
    case 'minified':
      return minified(size);
    case 'cjk':
      return Array.from({ length: size }, () => CJK[Math.floor(next() * CJK.length)]).join('');
    case 'emoji': {
      let out = '';
      while (out.length < size) out += pick(next, EMOJI) + (next() < 0.2 ? ' ' : '');
      return out;
    }
    case 'binary':
      return binaryText(size, seed);
    case 'mixed': {
      let out = '';
      while (out.length < size) {
        const k = pick(
          next,
          TEXT_KINDS.filter((t) => t !== 'mixed'),
        );
        out += adversarialText(k, 200 + Math.floor(next() * 800), Math.floor(next() * 1e9)) + '\n';
      }
      return out.slice(0, size);
    }
  }
}
