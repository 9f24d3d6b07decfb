"""Single-character surnames (百家姓, most frequent first) and those too ambiguous to stand alone.

Hand-curated from the common-surname tables, not from any test-data generator. Ambiguous
surnames are also everyday words (于, 和, 时, 高, 金...): they only start a name next to a
trigger word or in the name dictionary, never as a bare candidate.
"""

from __future__ import annotations

from masking.operators.surnames import COMPOUND_SURNAMES as _MASKING_COMPOUNDS

SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦卢麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐"
    "冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆"
    "巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇湛宾戎勾茅利於呼居揭干尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    "赖洪荀钮汝萧"
)

AMBIGUOUS_SURNAMES = frozenset(
    "于和时向常万文方高金成明国海平全安应来都原相初门云信由利干元"
    "石白江黄马田任古车连宁关包单解华南区花强计索宣鲜印隆战危玉银展阴智幸富"
    "谷曲路农司师商沙荣桑甄仲池查官封谈乐胥班储楼盘满位伊巴丰支卿容敬普浦伏薄母修宿居衣植衡"
    "那龙"
)

# 复姓 of the 百家姓 that the masking list lacks (闻人 is its fifth compound surname).
COMPOUND_SURNAMES = _MASKING_COMPOUNDS | frozenset(
    {"闻人", "巫马", "仉督", "归海", "东里", "汝鄢", "涂钦", "公伯", "第五"}
)

STRONG_SURNAMES = SINGLE_SURNAMES - AMBIGUOUS_SURNAMES

__all__ = ["AMBIGUOUS_SURNAMES", "COMPOUND_SURNAMES", "SINGLE_SURNAMES", "STRONG_SURNAMES"]
